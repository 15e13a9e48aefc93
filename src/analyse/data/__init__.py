"""The data contract and the door: schema, reading, screening, validation, the prepared data set."""

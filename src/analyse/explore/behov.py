"""02 Behov: who wants more relationships, whose close relationships are only staff."""

from __future__ import annotations

import pandas as pd

from analyse.data.dataset import natural_sorted
from analyse.errors import ConfigError
from analyse.explore.common import (
    View,
    _Base,
    _guarded,
    _merge,
    _t,
    _value,
    display_table,
    grouped_bars,
    heatmap,
    label,
)
from analyse.render import figures
from analyse.words import text

_NEED_COUNTS = (
    "n_wants_more",
    "n_only_staff_close",
    "n_gives_to_none",
    "n_no_frequent_contact",
    "n_any_flag",
)


_FLAGS = ("only_staff_close", "gives_to_none", "no_frequent_contact")


class _Behov(_Base):
    """Notebook 02: who wants more or other relationships, and what their network shows."""

    def _needs(self, wave: str):
        from analyse.stats.relations import needs

        key = f"needs:{wave}"
        if key not in self._cache:
            self._cache[key] = needs(self.data, wave=wave)
        return self._cache[key]

    def _check_wave(self, wave: str) -> None:
        if wave not in self.data.waves:
            names = ", ".join(f"{w!r}" for w in self.data.waves)
            raise ConfigError(
                _t(
                    self.lang,
                    f"Målingen {wave!r} findes ikke i data; vælg en af {names} (parameteren wave).",
                    f"Wave {wave!r} is not in the data; choose one of {names} (the wave parameter).",
                )
            )

    @_guarded
    def needs_by_site(self, wave: str = "pre") -> View:
        """Per site: residents assessed, who want more relationships, and the three network signs.

        Steering: the steering report's needs section (:meth:`_as_in_report`)."""
        self._check_wave(wave)
        if self.steering:
            return self._as_in_report("behov")
        counts = self._needs(wave).sites.set_index("site_id")[["n_assessed", *_NEED_COUNTS]]
        counts = counts.loc[natural_sorted(counts.index)]
        notes: list[str] = []
        values = counts
        shown = display_table(counts.rename_axis("site_id").reset_index(), self.lang)
        n = pd.to_numeric(values["n_assessed"], errors="coerce")
        shares = values[list(_NEED_COUNTS[:4])].apply(pd.to_numeric, errors="coerce").div(n, axis=0)
        fig = grouped_bars(
            shares,
            columns={c: label(c, self.lang) for c in _NEED_COUNTS[:4]},
            title=_t(
                self.lang,
                "Ønsker og tegn på behov pr. botilbud",
                "Wishes and signs of need by site",
            ),
            xlabel=_t(self.lang, "Andel af borgerne målt", "Share of residents assessed"),
            lang=self.lang,
            percent=True,
            marker=f"<{self.min_cell}",
        )
        title = _t(self.lang, "Antal borgere pr. botilbud", "Residents by site")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def needs_crosstab(self, wave: str = "pre") -> View:
        """The resident's own wish (rows) against how many signs the network shows (0-3).

        Steering: not in the steering reports, so not shown."""
        self._check_wave(wave)
        if self.steering:
            return self._not_in_steering_reports()
        people = self._needs(wave).residents
        wish = people["wants_more"].astype("string").fillna("unknown")
        table = pd.crosstab(wish, people["n_flags"]).reindex(columns=range(4), fill_value=0)
        order = [c for c in ("yes", "no", "unknown") if c in table.index]
        table = table.reindex(order).astype("int64")
        table.columns = [str(c) for c in table.columns]
        notes: list[str] = []
        values = table
        shown = table.map(lambda v: text.fmt_int(v, self.lang))
        signs = _t(self.lang, "tegn", "signs")
        shown.columns = [f"{c} {signs}" for c in shown.columns]
        rows = [_value("wants_more", c, self.lang) for c in table.index]
        shown.index = rows
        shown = shown.rename_axis(label("wants_more", self.lang)).reset_index()
        values = values.copy()
        values.index = rows
        fig = heatmap(
            values,
            title=_t(
                self.lang,
                "Ønske om flere relationer mod tegn i netværket",
                "Wish for more relationships against signs in the network",
            ),
            xlabel=label("n_flags", self.lang),
            ylabel=label("wants_more", self.lang),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        title = _t(self.lang, "Antal borgere", "Residents")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def needs_residents(self, wave: str = "pre", resident: str | None = None) -> View:
        """Consultants: residents with at least one sign, most signs first, and one's map."""
        if self.steering:
            return self._consultants_only()
        self._check_wave(wave)
        people = self._needs(wave).residents
        flagged = people[people["n_flags"] > 0].sort_values(
            ["n_flags", "resident_id"], ascending=[False, True]
        )
        columns = [
            "resident_id",
            "site_id",
            "wants_more",
            "respondent",
            "n_flags",
            *_FLAGS,
            "flagged_not_wanting",
        ]
        title = _t(self.lang, "Borgere med tegn på behov", "Residents showing a sign of need")
        table = View([], [(title, display_table(flagged[columns], self.lang))])
        if flagged.empty:
            return _merge(
                table,
                self._absent(
                    "Ingen borgere viser tegn på behov.", "No resident shows a sign of need."
                ),
            )
        ids = list(flagged["resident_id"].astype(str))
        chosen = resident if resident in ids else ids[0]

        def draw(rid: object) -> View:
            return View(
                figures=[
                    figures.relationship_map(
                        self.data, str(rid), lang=self.lang, audience="consultant", show_id=True
                    )
                ]
            )

        return _merge(
            table,
            self._choose(label("resident_id", self.lang), [(r, r) for r in ids], chosen, draw),
        )

    @_guarded
    def close_nonstaff(self, wave: str = "pre") -> View:
        """Close relationships beyond staff: per site mean and share with at least one.

        Steering: the key figures of the steering report (:meth:`_as_in_report`)."""
        self._check_wave(wave)
        if self.steering:
            return self._as_in_report("kortlaegning", until="noegletal")
        ind = self.indicators()
        ind = ind[ind["wave"] == wave]
        grouped = ind.groupby(ind["site_id"].astype(str), sort=False)
        table = pd.DataFrame(
            {
                "n": grouped.size(),
                "mean_n_close_nonstaff": grouped["n_close_nonstaff"].mean(),
                "n_any_close_nonstaff": grouped["n_close_nonstaff"].apply(
                    lambda s: int((s > 0).sum())
                ),
            }
        )
        table = table.loc[natural_sorted(table.index)]
        notes: list[str] = []
        shown = display_table(table.rename_axis("site_id").reset_index(), self.lang)
        fig = figures.site_distribution(
            ind,
            indicator="n_close_nonstaff",
            lang=self.lang,
            audience=self.audience,
            min_cell=None,
        )
        title = _t(
            self.lang,
            "Nære relationer ud over personalet pr. botilbud",
            "Close relationships beyond staff by site",
        )
        return View(notes, [(title, shown)], [fig])

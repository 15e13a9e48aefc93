"""01 Kortlægning: each resident's relationships — who, how close, how often, giving."""

from __future__ import annotations

import pandas as pd

from analyse.data.dataset import natural_sorted
from analyse.explore.common import (
    ALL,
    View,
    _Base,
    _guarded,
    _merge,
    _site_wave_order,
    _t,
    _value,
    display_table,
    grouped_bars,
    label,
)
from analyse.render import figures
from analyse.words import text

_MEANS = ("n_relations", "n_nonstaff", "n_close_nonstaff", "n_gives")


class _Kortlaegning(_Base):
    """Notebook 01: how many relationships, with whom, how close, and does the resident give."""

    @_guarded
    def overview(self, indicator: str = "n_nonstaff") -> View:
        """Per site and wave: residents assessed and mean relationships; a box per site.

        Steering: the key figures of the steering report (:meth:`_as_in_report`)."""
        if self.steering:
            return self._as_in_report("kortlaegning", until="noegletal")
        ind = self.indicators()
        grouped = ind.groupby(["site_id", "wave"], observed=True, sort=False)
        table = pd.DataFrame({"n": grouped.size()})
        for column in _MEANS:
            table[f"mean_{column}"] = grouped[column].mean()
        table = _site_wave_order(table.reset_index())
        shown, notes = display_table(table, self.lang), []

        def draw(chosen: object) -> View:
            return View(
                figures=[
                    figures.site_distribution(
                        ind,
                        indicator=str(chosen),
                        lang=self.lang,
                        audience=self.audience,
                        min_cell=None,
                    )
                ]
            )

        options = [(label(c, self.lang), c) for c in (*_MEANS, "n_close", "n_frequent")]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, indicator, draw)
        title = _t(
            self.lang,
            "Borgere og relationer pr. botilbud og måling",
            "Residents and relationships by site and wave",
        )
        return _merge(View(notes, [(title, shown)]), picked)

    @_guarded
    def composition(self, wave: str = "pre") -> View:
        """Relationships by type and wave (counts), and each site's composition as bars.

        Steering: the report's table of relationship types (:meth:`_as_in_report`)."""
        if self.steering:
            return self._as_in_report("_composition")
        rel = self.data.relations
        counts = (
            rel.groupby([rel["alter_type"].astype(str), rel["wave"].astype(str)])
            .size()
            .unstack(fill_value=0)
        )
        counts = counts.reindex(columns=[w for w in self.data.waves if w in counts.columns])
        counts = counts.reindex([t for t in figures.ALTER_TYPE_COLOURS if t in counts.index])
        notes: list[str] = []
        shown = counts.map(lambda v: text.fmt_int(v, self.lang))
        shown.columns = [_value("wave", c, self.lang) for c in shown.columns]
        shown.index = [_value("alter_type", i, self.lang) for i in shown.index]
        shown = shown.rename_axis(label("alter_type", self.lang)).reset_index()
        fig = figures.composition_bars(
            self.indicators(),
            by="site_id",
            wave=wave,
            lang=self.lang,
            min_cell=None,
        )
        title = _t(self.lang, "Antal relationer efter relationstype", "Relationships by type")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def prepost(self, indicator: str = "n_close_nonstaff") -> View:
        """Before and after for residents assessed twice: means with 95 % CI, and the pairs."""
        from analyse.stats import prepost

        ind = self.indicators()
        if not {"pre", "post"} <= set(self.data.waves):
            return self._absent(
                "Data har ikke både før- og eftermåling.",
                "The data lack a before or an after wave.",
            )
        if self.steering:  # the reports' before/after rows, through their gate
            return self._steering_changes(_MEANS)
        result = prepost.by_group(
            ind.assign(group=ALL),
            "group",
            "resident_id",
            "wave",
            list(_MEANS),
            min_cell=self.min_cell,
        )
        shown = self._change_table(result, "indicator", with_group=False)

        def draw(chosen: object) -> View:
            return View(
                figures=[
                    figures.prepost_paired(
                        ind,
                        indicator=str(chosen),
                        lang=self.lang,
                        audience=self.audience,
                        min_cell=self.min_cell,
                    )
                ]
            )

        options = [(label(c, self.lang), c) for c in _MEANS]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, indicator, draw)
        title = _t(
            self.lang,
            "Før og efter (borgere målt begge gange)",
            "Before and after (residents assessed twice)",
        )
        return _merge(View([], [(title, shown)]), picked)

    @_guarded
    def turnover(self) -> View:
        """Relationships kept, gained and lost from before to after, per site.

        Steering: the report's table of relationships gained, kept and lost."""
        from analyse.stats.relations import turnover

        if not {"pre", "post"} <= set(self.data.waves):
            return self._absent(
                "Data har ikke både før- og eftermåling.",
                "The data lack a before or an after wave.",
            )
        if self.steering:
            return self._as_in_report("_turnover")
        tv = turnover(self.data, from_wave="pre", to_wave="post")
        columns = ["kept", "gained", "lost", "gained_nonstaff", "lost_nonstaff"]
        grouped = tv.groupby(tv["site_id"].astype(str), sort=False)
        table = grouped[columns].sum().astype("int64")
        table.insert(0, "n", grouped.size())
        table = table.loc[natural_sorted(table.index)]
        notes: list[str] = []
        values = table
        shown = display_table(table.rename_axis("site_id").reset_index(), self.lang)
        per_resident = (
            values[["kept", "gained", "lost"]]
            .apply(pd.to_numeric, errors="coerce")
            .div(pd.to_numeric(values["n"], errors="coerce"), axis=0)
        )
        fig = grouped_bars(
            per_resident,
            columns={c: label(c, self.lang) for c in ("kept", "gained", "lost")},
            title=_t(
                self.lang,
                "Relationer pr. borger fra før til efter",
                "Relationships per resident from before to after",
            ),
            xlabel=_t(
                self.lang,
                "Gennemsnit pr. borger målt begge gange",
                "Mean per resident assessed twice",
            ),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        title = _t(
            self.lang,
            "Nye, bevarede og mistede relationer (summer)",
            "Relationships gained, kept and lost (sums)",
        )
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def relationship_map(self, resident: str | None = None) -> View:
        """Consultants: one resident's relationship map and indicators; pick site and resident."""
        if self.steering:
            return self._consultants_only()
        residents = self.data.residents
        by_site = {
            s: natural_sorted(residents.loc[residents["site_id"] == s, "resident_id"])
            for s in natural_sorted(residents["site_id"].unique())
        }
        every = [r for ids in by_site.values() for r in ids]
        if not every:
            return self._absent("Ingen borgere i data.", "No residents in the data.")
        if resident is not None and resident not in every:
            return View(
                [
                    _t(
                        self.lang,
                        f"Borgeren {resident!r} findes ikke{'' if self.site == ALL else ' i botilbud ' + self.site}. "
                        f"Fx: {', '.join(every[:5])}.",
                        f"Resident {resident!r} is not in the data{'' if self.site == ALL else ' of site ' + self.site}. "
                        f"E.g.: {', '.join(every[:5])}.",
                    )
                ],
                kind="problem",
            )
        chosen = resident or every[0]
        if not self.interactive:
            return self._map(chosen)
        return self._map_picker(by_site, chosen)

    def _map(self, resident: str) -> View:
        ind = self.indicators()
        rows = ind[ind["resident_id"] == resident]
        columns = [
            "resident_id",
            "site_id",
            "practice",
            "wave",
            "n_relations",
            "n_nonstaff",
            "n_close_nonstaff",
            "n_gives",
            "only_staff_close",
        ]
        fig = figures.relationship_map(
            self.data, resident, lang=self.lang, audience="consultant", show_id=True
        )
        title = _t(self.lang, "Borgerens indikatorer", "The resident's indicators")
        return View([], [(title, display_table(rows[columns], self.lang))], [fig])

    def _map_picker(self, by_site: dict[str, list[str]], chosen: str) -> View:
        import ipywidgets as widgets
        from IPython.display import display

        site_of = {r: s for s, ids in by_site.items() for r in ids}
        site_box = widgets.Dropdown(
            options=list(by_site), value=site_of[chosen], description=label("site_id", self.lang)
        )
        resident_box = widgets.Dropdown(
            options=by_site[site_of[chosen]],
            value=chosen,
            description=label("resident_id", self.lang),
        )
        out = widgets.Output()

        def draw(_change: object = None) -> None:
            out.clear_output(wait=True)
            with out:
                if resident_box.value:
                    display(self._map(resident_box.value))

        def site_changed(change: dict) -> None:
            resident_box.options = by_site[change["new"]]  # selects the site's first resident

        site_box.observe(site_changed, names="value")
        resident_box.observe(draw, names="value")
        draw()
        return View(widget=widgets.VBox([widgets.HBox([site_box, resident_box]), out]))

"""04 Afprøvning: before and after, each practice against the comparison group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analyse.data.schema import OUTCOMES
from analyse.errors import ConfigError
from analyse.explore.common import (
    _WITHHELD,
    ALL,
    RELIABILITY,
    RELIABILITY_SOURCES,
    View,
    _Base,
    _guarded,
    _merge,
    _natural,
    _report_view,
    _t,
    _value,
    display_table,
    forest,
    grouped_bars,
    label,
    rci_histogram,
    strip,
)
from analyse.privacy import gate as privacy
from analyse.words import text

_OUTCOMES = ("loneliness", "satisfaction")


_NETWORK = ("n_relations", "n_nonstaff", "n_gives")


_LOWER_IS_BETTER = {o for o, m in OUTCOMES.items() if m.lower_is_better}


class _Afproevning(_Base):
    """Notebook 04: did the practices make a difference, for whom, and who was lost?

    This part: the outcomes and the relationships before and after, per practice, and the
    helpers the notebook's other parts (:class:`_Sammenligning`, :class:`_Borgerniveau`) share.
    """

    def _long(self) -> pd.DataFrame:
        from analyse.stats.prepost import outcomes_long

        if "long" not in self._cache:
            self._cache["long"] = outcomes_long(self.data)
        return self._cache["long"]

    def _two_waves(self) -> View | None:
        if {"pre", "post"} <= set(self.data.waves):
            return None
        return self._absent(
            "Data har ikke både før- og eftermåling.", "The data lack a before or an after wave."
        )

    def _practice_labels(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(practice=[_value("practice", p, self.lang) for p in frame["practice"]])

    def _change_by_practice(
        self, data: pd.DataFrame, values: Sequence[str], chosen: str | None, title: str
    ) -> View:
        from analyse.stats import prepost

        result = prepost.by_group(
            data, "practice", "resident_id", "wave", list(values), min_cell=self.min_cell
        )
        result = result.iloc[
            sorted(
                range(len(result)),
                key=lambda i: (
                    result["practice"].iloc[i] == "none",
                    _natural(result["practice"].iloc[i]),
                ),
            )
        ]
        shown = self._change_table(result, "indicator")
        plot = self._practice_labels(result)
        if self.steering:
            plot = plot[plot["withheld"] != "all"]

        def draw(value: object) -> View:
            part = plot[plot["indicator"] == value]
            better = (
                _t(self.lang, " (lavere er bedre)", " (lower is better)")
                if value in _LOWER_IS_BETTER
                else ""
            )
            return View(
                figures=[
                    forest(
                        part,
                        row="practice",
                        estimate="mean_diff",
                        low="ci_low",
                        high="ci_high",
                        title=_t(
                            self.lang,
                            f"{label(str(value), self.lang)}: ændring med 95 %-konfidensinterval{better}",
                            f"{label(str(value), self.lang)}: change with 95% confidence interval{better}",
                        ),
                        xlabel=label("mean_diff", self.lang),
                        lang=self.lang,
                    )
                ]
            )

        options = [(label(v, self.lang), v) for v in values]
        picked = self._choose(_t(self.lang, "Mål", "Measure"), options, chosen or values[0], draw)
        if not self.interactive and chosen is None:  # headless: every outcome's figure
            picked = _merge(*(draw(v) for v in values))
        return _merge(View([], [(title, shown)]), picked)

    def _steering_changes(self, values: Sequence[str]) -> View:
        """Steering: the before/after tables and sentences of the steering reports, through
        their gate (this site's report, or the overview's practices and comparison group),
        the rows of ``values`` only."""
        from analyse import report

        ctx = self.report_context()
        if ctx.too_small:
            return View([item.text for item in report._too_small(ctx)])
        long = report.trial_long(ctx)
        if self.site == ALL:
            items = report._by_practice(ctx, long)
        else:
            st = report.trial_family_table(ctx, long)
            items = report._trial_items(
                ctx,
                st,
                "foer_efter",
                _t(self.lang, "Før og efter afprøvningen", "Before and after"),
            )
        view = _report_view(items, [report._value_label(ctx, v) for v in values])
        # The reports' figure of the same gated means (before and after, per group).
        from analyse.report import main_results

        view.figures += [
            item.figure for item in main_results.udvikling(ctx) if type(item).__name__ == "Figure"
        ]
        return view

    @_guarded
    def outcome_change(self, outcome: str | None = None) -> View:
        """Loneliness and satisfaction before and after, per practice (complete pairs)."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._steering_changes(_OUTCOMES)
        values = [v for v in _OUTCOMES if self._long()[v].notna().any()]
        if not values:
            return self._absent(
                "Ingen udfaldsmål (ensomhed, tilfredshed) i data.",
                "No outcome scores (loneliness, satisfaction) in the data.",
            )
        return self._change_by_practice(
            self._long(),
            values,
            outcome,
            _t(
                self.lang,
                "Før og efter pr. praksis: ensomhed og tilfredshed",
                "Before and after by practice: loneliness and satisfaction",
            ),
        )

    @_guarded
    def network_change(self, indicator: str | None = None) -> View:
        """Relationships, relationships beyond staff and where the resident gives, per practice."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:  # the reports show relationships not with staff and where one gives
            return self._steering_changes(("n_nonstaff", "n_gives"))
        return self._change_by_practice(
            self.indicators(),
            list(_NETWORK),
            indicator,
            _t(
                self.lang,
                "Før og efter pr. praksis: relationerne",
                "Before and after by practice: the relationships",
            ),
        )


class _Sammenligning(_Afproevning):
    """Notebook 04: each practice against the comparison group (difference in differences)."""

    def _trial_data(self) -> pd.DataFrame:
        """Outcomes and relationship indicators per resident and wave, of the WHOLE data set
        (the comparison group's pairs come from every site)."""
        from analyse.stats.prepost import outcomes_long
        from analyse.stats.relations import indicators

        if "trial_all" not in self._cache:
            ind = indicators(self.ds)[["resident_id", "wave", "n_nonstaff", "n_gives"]]
            self._cache["trial_all"] = outcomes_long(self.ds).merge(
                ind, on=["resident_id", "wave"], how="left"
            )
        return self._cache["trial_all"]

    def _own_practice(self) -> str | None:
        """The practice tried at :attr:`site` (None for all sites)."""
        if self.site == ALL:
            return None
        codes = self.data.residents["practice"].dropna().astype(str).mode()
        return str(codes.iloc[0]) if len(codes) else "none"

    @_guarded
    def comparison(self) -> View:
        """Each practice against the comparison group (difference in differences).

        On the overview's scale: the difference in mean change (points or relationships per
        resident), with the comparison group's pairs from every site, also when :attr:`site`
        is set (then this site's residents against them). Consultants also see the count
        model's ratio for relationships not with staff, named as a ratio. Steering: the
        overview's gated table, through the reports' gate.
        """
        from analyse.report.sections import TRIAL_VALUES
        from analyse.stats import prepost

        missing = self._two_waves()
        if missing is not None:
            return missing
        own = self._own_practice()
        if own == "none":
            return self._absent(
                f"Botilbud {self.site} er selv sammenligningsgruppe: her er ingen praksis at "
                'sammenligne. Brug site = "all" for at se hver praksis mod sammenligningsgruppen.',
                f"Site {self.site} is itself a comparison group: there is no practice to compare. "
                'Use site = "all" to see each practice against the comparison group.',
            )
        if self.steering:
            return self._comparison_steering(own)
        long = self._trial_data()
        if own is not None:  # this site's residents, and the comparison group of all sites
            site_of = long["site_id"].astype(str) == str(self.site)
            long = long[site_of | (long["practice"].astype(str) == "none")]
        rows = [
            prepost.model(long, v, min_cell=self.min_cell).assign(outcome=v)
            for v in TRIAL_VALUES
            if long[v].notna().any()
        ]
        rows.append(
            prepost.model(long, "n_nonstaff", family="count", min_cell=self.min_cell).assign(
                outcome="n_nonstaff_ratio"
            )
        )
        table = pd.concat(rows, ignore_index=True)
        table = self._practice_labels(table)
        table["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
        ]
        table["note"] = [
            _WITHHELD[w][0 if self.lang == "da" else 1] if w in _WITHHELD else ""
            for w in table["withheld"]
        ]
        table["scale"] = [
            {
                "difference": _t(
                    self.lang, "forskel i gennemsnitlig ændring", "difference in mean change"
                ),
                "ratio": _t(
                    self.lang,
                    "forhold mellem rater (tællemodel; 1 = ingen forskel)",
                    "ratio of rates (count model; 1 = no difference)",
                ),
            }.get(str(s), str(s))
            for s in table["scale"]
        ]
        table = table.rename(columns={"p": "p_model"})
        outcome_label = {
            v: label(v, self.lang) for v in table["outcome"].unique() if v != "n_nonstaff_ratio"
        }
        outcome_label["n_nonstaff_ratio"] = _t(
            self.lang,
            "Relationer, som ikke er personale (forhold)",
            "Relationships not with staff (ratio)",
        )
        table["outcome"] = [outcome_label[o] for o in table["outcome"]]
        shown = display_table(
            table[
                [
                    "outcome",
                    "practice",
                    "estimate",
                    "ci",
                    "p_model",
                    "scale",
                    "n_pairs",
                    "n_pairs_comparison",
                    "note",
                ]
            ],
            self.lang,
            decimals={"estimate": 2},
            pvalues=["p_model"],
        )
        figs = []
        for outcome, part in table.groupby("outcome", sort=False):
            ratio = bool((part["scale"].str.startswith(("forhold", "ratio"))).any())
            figs.append(
                forest(
                    part,
                    row="practice",
                    estimate="estimate",
                    low="ci_low",
                    high="ci_high",
                    title=_t(
                        self.lang,
                        f"{outcome}: praksis mod sammenligningsgruppen",
                        f"{outcome}: practice against the comparison group",
                    ),
                    xlabel=_t(self.lang, "Forhold (1 = ingen forskel)", "Ratio (1 = no difference)")
                    if ratio
                    else _t(
                        self.lang,
                        "Forskel i gennemsnitlig ændring",
                        "Difference in mean change",
                    ),
                    lang=self.lang,
                    reference=1.0 if ratio else 0.0,
                )
            )
        where = (
            _t(self.lang, "alle botilbud", "all sites")
            if own is None
            else _t(self.lang, f"botilbud {self.site}", f"site {self.site}")
        )
        texts = [
            _t(
                self.lang,
                f"Praksis i {where} mod sammenligningsgruppens par fra alle botilbud. Forskellen "
                "er i gennemsnitlig ændring, som i den samlede rapport; forholdet for relationer, "
                "som ikke er personale, er en tællemodels forhold mellem rater og står for sig.",
                f"Practice in {where} against the comparison group's pairs from all sites. The "
                "difference is in mean change, as in the overview report; the ratio for "
                "relationships not with staff is a count model's ratio of rates, shown apart.",
            )
        ]
        title = _t(
            self.lang, "Forskel-i-forskelle pr. praksis", "Difference in differences by practice"
        )
        return View(texts, [(title, shown)], figs)

    def _comparison_steering(self, own: str | None) -> View:
        """The overview's practice-vs-comparison table as the steering reports publish it."""
        from analyse.report import main_results

        ctx = self.report_context(ALL)
        items = main_results.sammenligning(ctx)
        if own is not None:
            group = main_results._practice_name(ctx, own)
            for item in items:
                if hasattr(item, "frame"):
                    col = _t(self.lang, "Praksis", "Practice")
                    item.frame = item.frame[item.frame[col] == group].reset_index(drop=True)
        return _report_view(items, None)


class _Borgerniveau(_Afproevning):
    """Notebook 04, resident by resident (consultants only): reliable change and attrition."""

    @_guarded
    def reliable_change(
        self, outcome: str = "loneliness", reliability: Mapping[str, float | None] | None = None
    ) -> View:
        """Reliable change per resident (Jacobson & Truax 1991): why few change reliably.

        ``reliability`` overrides :data:`RELIABILITY` per outcome.
        """
        from analyse.stats import prepost

        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._not_in_steering_reports()
        if outcome not in _OUTCOMES:
            raise ConfigError(f"outcome must be one of {list(_OUTCOMES)}; received {outcome!r}.")
        r = {**RELIABILITY, **dict(reliability or {})}.get(outcome)
        source = RELIABILITY_SOURCES[outcome][self.lang]
        if r is None:
            return self._absent(
                f"Pålidelig ændring beregnes ikke for {label(outcome, 'da').lower()}: {source}",
                f"Reliable change is not computed for {label(outcome, 'en').lower()}: {source}",
            )
        lower = outcome in _LOWER_IS_BETTER
        rc = prepost.reliable_change(
            self._long(),
            "resident_id",
            "wave",
            outcome,
            float(r),
            lower_is_better=lower,
            group="practice",
            min_cell=self.min_cell,
        )
        subjects = rc.subjects
        shown, values, notes = self._rc_counts(subjects)
        info = rc.counts.iloc[0]
        texts = [
            self._rc_sentence(outcome, float(r), info, subjects),
            _t(self.lang, "Kilde for reliabiliteten: ", "Source of the reliability: ") + source,
        ]
        z = float(info["critical_change"] / info["s_diff"])
        fig = self._rc_figure(outcome, subjects, values, z=z, lower_is_better=lower)
        title = _t(self.lang, "Borgere efter pålidelig ændring", "Residents by reliable change")
        return View(texts + notes, [(title, shown)], [fig])

    def _rc_counts(self, subjects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
        """Residents by category and practice: the shown table, its values, notes."""
        from analyse.stats.prepost import CATEGORIES

        # Consultants see every resident's RCI, so they see the counts too (never a hidden
        # aggregate next to the rows it sums); steering gets the privacy gate.
        counts = pd.crosstab(subjects["practice"], subjects["category"], dropna=False).reindex(
            columns=list(CATEGORIES), fill_value=0
        )
        counts.columns = list(CATEGORIES)
        counts.insert(0, "n", counts.sum(axis=1))
        counts = counts.astype("int64").loc[
            sorted(counts.index, key=lambda p: (p == "none", _natural(p)))
        ]
        notes: list[str] = []
        values = counts
        if self.steering:
            st = privacy.suppress(
                counts, count_cols=[*CATEGORIES, "n"], total_col="n", min_cell=self.min_cell
            )
            values, notes = st.values, self._suppressed_note(st)
            shown = st.display(self.lang)
        else:
            shown = counts.map(lambda v: text.fmt_int(v, self.lang))
        shown.columns = [label(c, self.lang) for c in shown.columns]
        shown.index = [_value("practice", p, self.lang) for p in shown.index]
        shown = shown.rename_axis(label("practice", self.lang)).reset_index()
        return shown, values, notes

    def _rc_figure(
        self,
        outcome: str,
        subjects: pd.DataFrame,
        values: pd.DataFrame,
        *,
        z: float,
        lower_is_better: bool,
    ) -> Figure:
        """Consultants: the distribution of RCI with the band; steering: counts per practice."""
        from analyse.stats.prepost import CATEGORIES

        if self.steering:
            bars = values[list(CATEGORIES)].apply(pd.to_numeric, errors="coerce")
            bars.index = [_value("practice", p, self.lang) for p in bars.index]
            return grouped_bars(
                bars,
                columns={c: label(c, self.lang) for c in CATEGORIES},
                title=_t(self.lang, "Pålidelig ændring pr. praksis", "Reliable change by practice"),
                xlabel=_t(self.lang, "Antal borgere", "Residents"),
                lang=self.lang,
                marker=f"<{self.min_cell}",
            )
        return rci_histogram(
            subjects["rci"],
            z=z,
            lower_is_better=lower_is_better,
            lang=self.lang,
            title=_t(
                self.lang,
                f"{label(outcome, 'da')}: fordeling af RCI (borgere målt begge gange)",
                f"{label(outcome, 'en')}: distribution of the RCI (residents assessed twice)",
            ),
        )

    def _rc_sentence(self, outcome: str, r: float, info: pd.Series, subjects: pd.DataFrame) -> str:
        lang = self.lang
        crit = text.fmt_number(info["critical_change"], 1, lang)
        sd = text.fmt_number(info["sd_pre"], 1, lang)
        mean = (
            text.fmt_number(subjects["change"].mean(), 1, lang) if len(subjects) else text.MISSING
        )
        rr = text.fmt_number(r, 2, lang)
        name = label(outcome, lang).lower()
        figure_da, figure_en = (
            (
                " Figuren tæller borgerne i hver gruppe.",
                " The figure counts the residents in each group.",
            )
            if self.steering
            else (
                " Figuren viser hver borgers RCI; det grå bånd er ±1,96.",
                " The figure shows each resident's RCI; the grey band is ±1.96.",
            )
        )
        return _t(
            lang,
            f"Med reliabilitet {rr} og en spredning på {sd} point før afprøvningen skal en borgers "
            f"{name} ændre sig mindst {crit} point, før ændringen er større end måleusikkerheden "
            f"(|RCI| > 1,96). Gennemsnittet ændrede sig {mean} point: mange små ændringer i samme "
            "retning gør gennemsnittet tydeligt, selv om hver enkelt borgers ændring er for lille til "
            "at skille sig ud fra måleusikkerheden." + figure_da,
            f"With reliability {rr} and a spread of {sd} points before the trial, a resident's "
            f"{name} must change by at least {crit} points before the change exceeds measurement "
            f"error (|RCI| > 1.96). The mean changed by {mean} points: many small changes in the same "
            "direction make the mean clear, while each resident's change is too small to stand out "
            "from measurement error." + figure_en,
        )

    @_guarded
    def attrition(self) -> View:
        """Who was assessed before but not after, and how they started compared with the rest."""
        missing = self._two_waves()
        if missing is not None:
            return missing
        if self.steering:
            return self._not_in_steering_reports()
        long = self._long()
        at_pre = long[long["wave"].astype(str) == "pre"]
        after = set(long.loc[long["wave"].astype(str) == "post", "resident_id"])
        lost = ~at_pre["resident_id"].isin(after)
        # Consultants see the rows of those lost, so they see their means too.
        rows = []
        for value in _OUTCOMES:
            done, gone = at_pre.loc[~lost, value].dropna(), at_pre.loc[lost, value].dropna()
            rows.append(
                {
                    "outcome": value,
                    "n_completed": len(done),
                    "n_lost": len(gone),
                    "mean_completed": done.mean() if len(done) else np.nan,
                    "mean_lost": gone.mean() if len(gone) else np.nan,
                }
            )
        comparison = display_table(pd.DataFrame(rows), self.lang)
        people = at_pre.loc[lost, ["resident_id", "site_id", "practice", *_OUTCOMES]].reset_index(
            drop=True
        )
        group = [
            _t(self.lang, "faldet fra", "lost")
            if x
            else _t(self.lang, "målt begge gange", "assessed twice")
            for x in lost
        ]
        plot = at_pre.assign(group=group).melt(
            id_vars=["resident_id", "group"],
            value_vars=list(_OUTCOMES),
            var_name="outcome",
            value_name="score",
        )
        plot["outcome"] = [label(o, self.lang) for o in plot["outcome"]]
        fig = strip(
            plot,
            value="score",
            group="group",
            panel="outcome",
            lang=self.lang,
            title=_t(
                self.lang,
                "Førmåling: faldet fra mod målt begge gange (streg = gennemsnit)",
                "Before: lost against assessed twice (bar = mean)",
            ),
        )
        texts = (
            []
            if len(people)
            else [_t(self.lang, "Ingen borgere faldt fra.", "No resident was lost.")]
        )
        return View(
            texts,
            [
                (
                    _t(
                        self.lang,
                        "Førmålingen for dem der faldt fra og dem der blev",
                        "Before scores of those lost and those who stayed",
                    ),
                    comparison,
                ),
                (
                    _t(
                        self.lang,
                        "Borgere målt før, men ikke efter",
                        "Residents assessed before but not after",
                    ),
                    display_table(people, self.lang),
                ),
            ],
            [fig],
        )

    def _attrition_steering(self) -> View:
        from analyse.stats import prepost

        result = prepost.attrition(self.data, min_cell=self.min_cell)
        comparison = result.comparison.set_index("value")
        st = privacy.suppress(
            comparison[["n_completed", "n_lost"]],
            n_col=None,
            count_cols=["n_completed", "n_lost"],
            margins="rows",
            min_cell=self.min_cell,
        )
        shown = st.display(self.lang)
        means = comparison[
            ["mean_completed", "mean_lost"]
        ]  # withheld (NaN) by prepost.guard when small
        for column in means.columns:
            shown[column] = [text.fmt_number(v, 1, self.lang) for v in means[column]]
        shown.columns = [label(c, self.lang) for c in shown.columns]
        shown.index = [label(str(v), self.lang) for v in shown.index]
        shown = shown.rename_axis(label("outcome", self.lang)).reset_index()
        values = st.values.apply(pd.to_numeric, errors="coerce")
        values.index = [label(str(v), self.lang) for v in values.index]
        fig = grouped_bars(
            values,
            columns={c: label(c, self.lang) for c in ("n_completed", "n_lost")},
            title=_t(self.lang, "Målt begge gange og faldet fra", "Assessed twice and lost"),
            xlabel=_t(self.lang, "Antal borgere", "Residents"),
            lang=self.lang,
            marker=f"<{self.min_cell}",
        )
        return View(
            self._suppressed_note(st), [(_t(self.lang, "Frafald", "Attrition"), shown)], [fig]
        )

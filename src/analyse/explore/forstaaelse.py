"""03 Fælles forståelse: agreement within staff and between staff and residents."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analyse.config import Lang
from analyse.explore.common import (
    View,
    _Base,
    _figure,
    _guarded,
    _natural,
    _site_wave_order,
    _t,
    _value,
    display_table,
    forest,
    label,
)
from analyse.render import figures
from analyse.words import text


class _Forstaaelse(_Base):
    """Notebook 03: do staff share an understanding of a good relationship, and with residents?"""

    def _understanding(self) -> pd.DataFrame | None:
        u = self.data.understanding
        return None if u.empty else u

    def _no_understanding(self) -> View:
        return self._absent(
            "Datasættet har ingen tabel forstaaelse (spørgsmål om, hvad en god relation er). "
            "Den er valgfri; afsnittet springes over.",
            "The data set has no understanding table (forstaaelse: what a good relationship is). "
            "It is optional; this section is skipped.",
        )

    def _staff(self, u: pd.DataFrame) -> pd.DataFrame:
        return u[u["role"] == "staff"]

    @_guarded
    def staff_agreement(self) -> View:
        """r_wg(J) and AD_M within each site's staff group, per wave, against the published bands.

        Steering: the steering report's staff agreement table (:meth:`_as_in_report`)."""
        from analyse.stats import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if self.steering:
            return self._as_in_report("faelles_forstaaelse", until="enighed_medarbejdere")
        rj = agreement.rwg_j(
            self._staff(u), ["site_id", "wave"], "item", "rating", respondent="respondent_id"
        )
        rj = _site_wave_order(rj)
        rj["interpretation"] = [
            agreement.interpret("rwg_j", v, lang=self.lang) for v in rj["rwg_j"]
        ]
        columns = ["site_id", "wave", "n_raters", "n_items", "rwg_j", "ad_m", "interpretation"]
        shown = display_table(rj[columns], self.lang, decimals={"rwg_j": 2, "ad_m": 2})
        plot = rj.assign(
            wave=[_value("wave", w, self.lang) for w in rj["wave"]], low=np.nan, high=np.nan
        )
        fig = forest(
            plot,
            row="site_id",
            estimate="rwg_j",
            low="low",
            high="high",
            panel="wave",
            title=_t(
                self.lang, "Enighed i personalegruppen, r_wg(J)", "Agreement within staff, r_wg(J)"
            ),
            xlabel="r_wg(J)",
            lang=self.lang,
            reference=None,
            bands="rwg",
        )
        notes = (
            []
            if len(rj)
            else [
                _t(
                    self.lang,
                    f"Ingen personalegruppe har mindst {self.min_cell} medarbejdere.",
                    f"No staff group has at least {self.min_cell} members.",
                )
            ]
        )
        title = _t(self.lang, "Enighed pr. botilbud og måling", "Agreement by site and wave")
        return View(notes, [(title, shown)], [fig])

    @_guarded
    def alpha(self) -> View:
        """Krippendorff's alpha (ordinal) of all staff per wave, with its bootstrap interval.

        Steering: the steering report's staff agreement table, which holds α."""
        from analyse.stats import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if self.steering:
            return self._as_in_report("faelles_forstaaelse", until="enighed_medarbejdere")
        staff = self._staff(u)
        rows = []
        for wave, group in staff.groupby("wave", observed=True, sort=True):
            if group["respondent_id"].nunique() < 2:
                continue
            a = agreement.krippendorff_alpha(
                group, "item", "respondent_id", "rating", seed=self.seed
            )
            rows.append(a.assign(wave=wave))
        if not rows:
            return self._absent(
                "For få medarbejdere har svaret til at beregne α.",
                "Too few staff answered to compute α.",
            )
        table = pd.concat(rows, ignore_index=True)
        table["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
        ]
        table["interpretation"] = [
            agreement.interpret("alpha", v, lang=self.lang) for v in table["alpha"]
        ]
        shown = display_table(
            table[["wave", "n_raters", "n_units", "alpha", "ci", "interpretation"]],
            self.lang,
            decimals={"alpha": 2},
        )
        plot = table.assign(wave=[_value("wave", w, self.lang) for w in table["wave"]])
        fig = forest(
            plot,
            row="wave",
            estimate="alpha",
            low="ci_low",
            high="ci_high",
            title=_t(
                self.lang,
                "Krippendorffs α for personalet, med 95 %-interval",
                "Krippendorff's α of staff, with 95% interval",
            ),
            xlabel="α",
            lang=self.lang,
            reference=0.0,
            bands="alpha",
        )
        return View(
            [],
            [(_t(self.lang, "Krippendorffs α pr. måling", "Krippendorff's α by wave"), shown)],
            [fig],
        )

    @_guarded
    def roles(self) -> View:
        """Per statement: how many staff and residents agree (4-5), and how far apart they are."""
        from analyse.stats import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if u["role"].nunique() < 2:
            return self._absent(
                "Kun én rolle har svaret; der er intet at sammenligne.",
                "Only one role answered; nothing to compare.",
            )
        if self.steering:  # the report's statements by role, through its gate
            return self._as_in_report("_roles")
        roles = agreement.compare_roles(u, seed=self.seed)
        roles = roles.sort_values(["wave", "disagreement_rank"]).reset_index(drop=True)
        roles["item"] = self._item_labels(roles["item"])
        roles["ci"] = [
            text.fmt_ci(lo, hi, 2, self.lang)
            for lo, hi in zip(roles["ci_low"], roles["ci_high"], strict=True)
        ]
        columns = [
            "wave",
            "item",
            "n_staff",
            "n_resident",
            "share_agree_staff",
            "share_agree_resident",
            "cliffs_delta",
            "ci",
            "p",
            "disagreement_rank",
        ]
        shown = display_table(
            roles[columns],
            self.lang,
            decimals={"cliffs_delta": 2},
            percent=["share_agree_staff", "share_agree_resident"],
            pvalues=["p"],
        )
        fig = _dumbbell(roles, self.lang)
        title = _t(self.lang, "Personale og borgere pr. udsagn", "Staff and residents by statement")
        return View([], [(title, shown)], [fig])

    def _item_labels(self, codes: pd.Series) -> list[str]:
        items = self.data.items
        column = "text_da" if self.lang == "da" or "text_en" not in items.columns else "text_en"
        texts = dict(
            zip(items["item"].astype(str), items[column].astype("string").fillna(""), strict=True)
        )
        out = []
        for code in codes.astype(str):
            t = texts.get(code) or ""
            out.append(f"{code}: {t[:48]}{'…' if len(t) > 48 else ''}" if t else code)
        return out

    @_guarded
    def change(self) -> View:
        """Staff agreement before and after, per site, with a bootstrap interval of the change."""
        from analyse.stats import agreement

        u = self._understanding()
        if u is None:
            return self._no_understanding()
        if not {"pre", "post"} <= set(u["wave"].astype(str)):
            return self._absent(
                "Forståelsen er kun målt én gang.", "Understanding was measured only once."
            )
        if self.steering:  # the steering reports do not show the change of agreement
            return self._not_in_steering_reports()
        ch = agreement.change(u, seed=self.seed)
        ch = ch.iloc[
            sorted(range(len(ch)), key=lambda i: _natural(ch["site_id"].iloc[i]))
        ].reset_index(drop=True)
        ch["ci"] = [
            text.fmt_ci(lo, hi, 3, self.lang)
            for lo, hi in zip(ch["ci_low"], ch["ci_high"], strict=True)
        ]
        shown = display_table(
            ch[
                [
                    "site_id",
                    "statistic",
                    "n_before",
                    "n_after",
                    "before",
                    "after",
                    "difference",
                    "ci",
                ]
            ],
            self.lang,
            decimals={"before": 3, "after": 3, "difference": 3},
        )
        plot = ch.assign(statistic=[label(str(v), self.lang) for v in ch["statistic"]])
        fig = forest(
            plot,
            row="site_id",
            estimate="difference",
            low="ci_low",
            high="ci_high",
            panel="statistic",
            title=_t(
                self.lang,
                "Ændring i personalets enighed (efter − før), 95 %-interval",
                "Change in staff agreement (after − before), 95% interval",
            ),
            xlabel=label("difference", self.lang),
            lang=self.lang,
        )
        notes = (
            []
            if len(ch)
            else [
                _t(
                    self.lang,
                    "Ingen botilbud har nok medarbejdere begge gange.",
                    "No site has enough staff in both waves.",
                )
            ]
        )
        return View(
            notes, [(_t(self.lang, "Ændring pr. botilbud", "Change by site"), shown)], [fig]
        )

    @_guarded
    def assessments(self) -> View:
        """Staff ratings of residents: agreement among staff, and staff against residents."""
        from analyse.stats import agreement

        if self.data.assessments.empty:
            return self._absent(
                "Datasættet har ingen tabel vurderinger (personalets vurderinger af borgerne). "
                "Den er valgfri; afsnittet springes over.",
                "The data set has no assessments table (vurderinger: staff rating residents). "
                "It is optional; this section is skipped.",
            )
        if self.steering:  # the steering reports do not show staff's ratings of residents
            return self._not_in_steering_reports()
        rel = agreement.assessment_reliability(self.data, seed=self.seed)
        agr = agreement.assessment_agreement(self.data)
        rel = rel.assign(
            alpha_ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(rel["alpha_ci_low"], rel["alpha_ci_high"], strict=True)
            ],
            icc_ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(rel["icc_ci_low"], rel["icc_ci_high"], strict=True)
            ],
        )
        agr = agr.assign(
            ci=[
                text.fmt_ci(lo, hi, 2, self.lang)
                for lo, hi in zip(agr["ci_low"], agr["ci_high"], strict=True)
            ]
        )
        two = {"alpha": 2, "icc": 2, "kappa": 2, "spearman_rho": 2}
        shown_rel = display_table(
            rel[
                [
                    "wave",
                    "aspect",
                    "n_residents",
                    "n_raters",
                    "alpha",
                    "alpha_ci",
                    "icc_model",
                    "icc",
                    "icc_ci",
                ]
            ],
            self.lang,
            decimals=two,
        )
        shown_rel = shown_rel.rename(
            columns={
                "alpha_ci": _t(self.lang, "95 %-interval for α", "95% interval of α"),
                "icc_ci": _t(self.lang, "95 %-interval for ICC", "95% interval of ICC"),
            }
        )
        shown_agr = display_table(
            agr[
                [
                    "wave",
                    "n_residents",
                    "kappa",
                    "ci",
                    "spearman_rho",
                    "share_exact",
                    "share_within_one",
                ]
            ],
            self.lang,
            decimals=two,
            percent=["share_exact", "share_within_one"],
        )
        plot = rel.assign(wave=[_value("wave", w, self.lang) for w in rel["wave"]])
        fig = forest(
            plot,
            row="aspect",
            estimate="alpha",
            low="alpha_ci_low",
            high="alpha_ci_high",
            panel="wave",
            title=_t(
                self.lang,
                "Enighed mellem medarbejdere om borgerne (Krippendorffs α)",
                "Agreement among staff about residents (Krippendorff's α)",
            ),
            xlabel="α",
            lang=self.lang,
            bands="alpha",
        )
        return View(
            [],
            [
                (
                    _t(
                        self.lang,
                        "Enighed mellem medarbejdere pr. aspekt",
                        "Agreement among staff by aspect",
                    ),
                    shown_rel,
                ),
                (
                    _t(
                        self.lang,
                        "Personalets samlede vurdering mod borgerens egen tilfredshed",
                        "Staff's overall rating against the resident's own satisfaction",
                    ),
                    shown_agr,
                ),
            ],
            [fig],
        )


def _dumbbell(roles: pd.DataFrame, lang: Lang) -> Figure:
    """Share agreeing among staff and residents per statement, one panel per wave."""
    from matplotlib.ticker import PercentFormatter

    waves = list(dict.fromkeys(roles["wave"].astype(str)))
    items = sorted(dict.fromkeys(roles["item"]))
    with figures.theme_context():
        fig = _figure(5.2 * max(len(waves), 1) + 2.5, 0.42 * len(items) + 1.8)
        axes = fig.subplots(1, max(len(waves), 1), sharey=True, squeeze=False)[0]
        for ax, wave in zip(axes, waves, strict=False):
            part = roles[roles["wave"].astype(str) == wave]
            y = {it: i for i, it in enumerate(items)}
            for _, r in part.iterrows():
                ax.plot(
                    [r["share_agree_staff"], r["share_agree_resident"]],
                    [y[r["item"]]] * 2,
                    color="#999999",
                    lw=1.5,
                )
            ys = [y[i] for i in part["item"]]
            ax.plot(
                part["share_agree_staff"],
                ys,
                "o",
                color="#0072B2",
                label=_t(lang, "Personale", "Staff"),
            )
            ax.plot(
                part["share_agree_resident"],
                ys,
                "s",
                color="#E69F00",
                label=_t(lang, "Borgere", "Residents"),
            )
            ax.set_yticks(range(len(items)), items)
            ax.set_ylim(len(items) - 0.5, -0.5)
            ax.set_xlim(0, 1.02)
            ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            ax.set_xlabel(_t(lang, "Andel enige (4-5)", "Share agreeing (4-5)"))
            ax.set_title(figures.value_label("wave", wave, lang))
        axes[0].legend(loc="lower left", fontsize=8)
        fig.suptitle(
            _t(
                lang,
                "Hvor enige er personale og borgere i hvert udsagn?",
                "How far do staff and residents agree with each statement?",
            )
        )
    return fig

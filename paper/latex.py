"""LaTeX from the registry, and compiling the paper: ``bounds.tex``, the bibliography, the PDF.

* ``bounds_tex(bounds)`` renders one theorem-like ``bound`` environment per registered
  bound: its title and id, the claim (``Bound.latex()``), the meaning of its symbols, its
  assumptions and its source (authors, year, venue, locator), marking constants derived in
  this project and locators not yet read against the published text. The environment
  itself is declared in ``main.tex`` (``\\newtheorem{bound}{Bound}``).
* ``references_tex(bounds)`` renders a ``thebibliography`` of the registry's sources plus
  the few works ``main.tex`` cites that are no bound's source; ``cite_key`` gives the key.
* ``compile_pdf(tex_path, out_dir)`` runs latexmk (or pdflatex twice) in a private build
  folder with ``-interaction=nonstopmode -halt-on-error``; it returns None and logs why
  when pdflatex is not installed, and raises :class:`LatexError` with the tail of the log
  when compilation fails.

Free text from the registry goes through ``latex_text`` (LaTeX specials escaped, the few
non-ASCII symbols the catalogue uses turned into math) and table cells through
``ascii_text`` (the same symbols as ASCII, so that pandas' own escaping stays correct).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from theory.bound import EQ_RTOL, Bound, Direction, Mode, Source
from theory.errors import NasboundError
from theory.registry import unchecked_basis

__all__ = ["EXTRA_REFERENCES", "LatexError", "Reference", "ascii_text", "bounds_tex",
           "cite_key", "claim_kind", "compile_pdf", "latex_text", "references_tex", "rule_latex"]

logger = logging.getLogger(__name__)

#: seconds one LaTeX run may take before it is stopped (a healthy one takes a few)
LATEX_TIMEOUT_S = 300
#: lines of the LaTeX log quoted in a LatexError
LOG_TAIL_LINES = 40


class LatexError(NasboundError):
    """pdflatex or latexmk failed; the message ends with the tail of the log."""


# -- text ------------------------------------------------------------------------------------

_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
#: non-ASCII symbols that may occur in registry text: (LaTeX, ASCII)
_SYMBOLS = {
    "≤": (r"$\le$", "<="), "≥": (r"$\ge$", ">="), "≠": (r"$\ne$", "!="),
    "−": ("-", "-"), "–": ("--", "-"), "—": ("---", "--"), "×": (r"$\times$", "x"),
    "∞": (r"$\infty$", "inf"), "‖": (r"$\|$", "||"), "∇": (r"$\nabla$", "grad "),
    "μ": (r"$\mu$", "mu"), "σ": (r"$\sigma$", "sigma"), "δ": (r"$\delta$", "delta"),
    "α": (r"$\alpha$", "alpha"), "γ": (r"$\gamma$", "gamma"), "Θ": (r"$\Theta$", "Theta"),
    "∈": (r"$\in$", "in"), "→": (r"$\to$", "->"), "’": ("'", "'"), "‘": ("`", "'"),
    "“": ("``", '"'), "”": ("''", '"'),
}


def latex_text(text: str) -> str:
    """``text`` as LaTeX text-mode source: specials escaped, known symbols as math."""
    out = []
    for char in text:
        if char in _SPECIALS:
            out.append(_SPECIALS[char])
        elif char in _SYMBOLS:
            out.append(_SYMBOLS[char][0])
        else:
            out.append(char)
    return "".join(out)


def ascii_text(text: str) -> str:
    """``text`` with the known non-ASCII symbols written in ASCII (escaping left to pandas)."""
    return "".join(_SYMBOLS[c][1] if c in _SYMBOLS else c for c in text)


def claim_kind(bound: Bound) -> str:
    """``upper bound, in expectation`` and the like: the direction and mode in words."""
    direction = {Direction.UPPER: "upper bound", Direction.LOWER: "lower bound",
                 Direction.EQUAL: "exact value"}[bound.direction]
    mode = {Mode.DETERMINISTIC: "deterministic", Mode.EXPECTATION: "in expectation",
            Mode.HIGH_PROBABILITY: "with high probability",
            Mode.ORDER: "asymptotic order"}[bound.mode]
    if bound.mode is Mode.ORDER:
        direction = "upper bound" if bound.direction is Direction.UPPER else direction
    return f"{direction}, {mode}" + (", tight" if bound.tight else "")


# -- bibliography --------------------------------------------------------------------------

@dataclass(frozen=True)
class Reference:
    """One bibliography entry (what ``thebibliography`` prints)."""

    authors: str
    title: str
    venue: str
    year: int


#: works main.tex cites that are no bound's source: the fitness-level method
#: (I. Wegener, in R. Sarker, M. Mohammadian and X. Yao (eds.), Evolutionary Optimization,
#: Kluwer 2002, pp. 349-369).
EXTRA_REFERENCES: tuple[Reference, ...] = (
    Reference("I. Wegener",
              "Methods for the analysis of evolutionary algorithms on pseudo-Boolean functions",
              "in R. Sarker, M. Mohammadian and X. Yao (eds.), Evolutionary Optimization, "
              "Kluwer, pp. 349-369", 2002),
    Reference("K.-H. Han and J.-H. Kim",
              "Quantum-inspired evolutionary algorithm for a class of combinatorial "
              "optimization", "IEEE Transactions on Evolutionary Computation 6(6):580-593", 2002),
    Reference("G. R. Harik, F. G. Lobo and D. E. Goldberg", "The compact genetic algorithm",
              "IEEE Transactions on Evolutionary Computation 3(4):287-297", 1999),
)


def _first_surname(authors: str) -> str:
    first = re.split(r",| and ", authors)[0].strip()
    surname = first.split()[-1] if first.split() else "anon"
    return re.sub(r"[^a-z]", "", surname.lower()) or "anon"


def _references(bounds: Iterable[Bound]) -> list[Reference]:
    seen: dict[tuple[str, str, int], Reference] = {}
    for bound in bounds:
        s = bound.source
        seen.setdefault((s.authors, s.title, s.year), Reference(s.authors, s.title, s.venue,
                                                                 s.year))
    for ref in EXTRA_REFERENCES:
        seen.setdefault((ref.authors, ref.title, ref.year), ref)
    return list(seen.values())


def _keys(references: Sequence[Reference]) -> dict[tuple[str, str, int], str]:
    """``surnameYEAR``, with a letter appended where two works share it (in order)."""
    keys: dict[tuple[str, str, int], str] = {}
    used: dict[str, int] = {}
    for ref in references:
        base = f"{_first_surname(ref.authors)}{ref.year}"
        count = used.get(base, 0)
        used[base] = count + 1
        keys[(ref.authors, ref.title, ref.year)] = base if count == 0 else \
            f"{base}{chr(ord('a') + count)}"
    return keys


def cite_key(source: Source | Reference, bounds: Sequence[Bound]) -> str:
    """The ``\\cite`` key of ``source`` in ``references_tex(bounds)``."""
    keys = _keys(_references(bounds))
    return keys[(source.authors, source.title, source.year)]


def references_tex(bounds: Sequence[Bound]) -> str:
    """A ``thebibliography`` of every source of ``bounds`` and of ``EXTRA_REFERENCES``."""
    references = _references(bounds)
    keys = _keys(references)
    lines = [r"\begin{thebibliography}{99}"]
    for ref in references:
        key = keys[(ref.authors, ref.title, ref.year)]
        lines.append(rf"\bibitem{{{key}}} {latex_text(ref.authors)}. "
                     rf"\newblock \emph{{{latex_text(ref.title)}}}. "
                     rf"\newblock {latex_text(ref.venue)}, {ref.year}.")
    lines.append(r"\end{thebibliography}")
    return "\n".join(lines) + "\n"


# -- bounds.tex -------------------------------------------------------------------------------

def _symbol_latex(name: str) -> str:
    return sp.latex(sp.Symbol(name))


def _approx_eq_sides(predicate: sp.Basic) -> tuple[sp.Expr, sp.Expr] | None:
    """(a, b) when ``predicate`` is ``approx_eq(a, b)``, i.e. |a - b| <= EQ_RTOL |b|."""
    if not (isinstance(predicate, sp.LessThan) and isinstance(predicate.lhs, sp.Abs)):
        return None
    scale = sp.simplify(predicate.rhs / EQ_RTOL)
    if isinstance(scale, sp.Abs):
        target = scale.args[0]
    elif scale.is_number and scale.is_nonnegative:
        target = scale
    else:
        return None
    return sp.expand(predicate.lhs.args[0] + target), target


def rule_latex(predicate: sp.Basic) -> str | None:
    """The predicate of an assumption in LaTeX; None where the statement says it all.

    Structural flags (a bare boolean symbol such as ``convex``) and predicates that the
    symbols' own assumptions make true are not printed. ``approx_eq(a, b)`` (an equality
    to the relative tolerance ``EQ_RTOL``) prints as ``a = b``.
    """
    if isinstance(predicate, sp.Symbol) or predicate in (sp.true, sp.false):
        return None
    sides = _approx_eq_sides(predicate)
    if sides is not None:
        return sp.latex(sp.Eq(*sides, evaluate=False))
    return sp.latex(predicate)


def _assumption_item(name: str, statement: str, predicate: sp.Basic) -> str:
    text = rf"\item \textsf{{{latex_text(name)}}}: {latex_text(statement)}"
    rule = rule_latex(predicate)
    if rule is not None:
        tolerance = ""
        if _approx_eq_sides(predicate) is not None:
            tolerance = r", to relative tolerance $10^{-12}$"
        text += rf" (${rule}${tolerance})"
    return text


def _source_text(bound: Bound, bounds: Sequence[Bound]) -> str:
    s = bound.source
    text = (rf"{latex_text(s.authors)} ({s.year}) \cite{{{cite_key(s, bounds)}}}, "
            rf"\emph{{{latex_text(s.title)}}}, {latex_text(s.venue)}; "
            rf"{latex_text(s.locator)}.")
    marks = []
    if s.derived:
        marks.append(r"\textbf{constant derived in this project}")
    if not s.locator_checked:
        marks.append(r"\textbf{locator not yet checked against the published text}")
    inherited = [i for i in unchecked_basis(bound) if i != bound.id]
    if inherited:
        ids = ", ".join(rf"\texttt{{{latex_text(i)}}}" for i in inherited)
        marks.append(rf"\textbf{{rests on bounds whose locators are unchecked:}} {ids}")
    if marks:
        text += " [" + "; ".join(marks) + "]"
    if s.note:
        text += rf" \emph{{Note:}} {latex_text(s.note)}."
    return text


def bound_tex(bound: Bound, bounds: Sequence[Bound]) -> str:
    """One ``bound`` environment: title, id, claim, symbols, assumptions, source."""
    label = re.sub(r"[^A-Za-z0-9.:-]", "-", bound.id)
    lines = [
        rf"\begin{{bound}}[{latex_text(bound.title)}]\label{{bound:{label}}}",
        rf"\texttt{{{latex_text(bound.id)}}} --- {latex_text(claim_kind(bound))}. "
        rf"The quantity is {latex_text(bound.quantity_description)}.",
        r"\[",
        bound.latex(),
        r"\]",
    ]
    if bound.symbols:
        where = "; ".join(rf"${_symbol_latex(name)}$: {latex_text(meaning)}"
                          for name, meaning in bound.symbols.items())
        lines.append(rf"\emph{{Where}} {where}.")
    if bound.definitions:
        defs = "; ".join(rf"${_symbol_latex(name)}$ = {latex_text(value)}"
                         for name, value in bound.definitions.items())
        lines.append(rf"\emph{{Definitions:}} {defs}.")
    if bound.assumptions:
        lines.append(r"\emph{Assumptions.}")
        lines.append(r"\begin{itemize}\setlength{\itemsep}{0pt}\setlength{\parskip}{0pt}")
        lines += [_assumption_item(a.name, a.statement, a.predicate)
                  for a in bound.assumptions]
        lines.append(r"\end{itemize}")
    lines.append(rf"\emph{{Source.}} {_source_text(bound, bounds)}")
    if bound.tight and bound.tight_note:
        lines.append(rf"\emph{{Tightness.}} {latex_text(bound.tight_note)}")
    if bound.notes:
        lines.append(rf"\emph{{Remark.}} {latex_text(bound.notes)}")
    lines.append(r"\end{bound}")
    return "\n".join(lines)


def bounds_tex(bounds: Sequence[Bound]) -> str:
    """Every bound of ``bounds`` as a ``bound`` environment, grouped by family."""
    parts = ["% Generated by paper.latex.bounds_tex from theory.registry; do not edit.\n"]
    family = None
    for bound in bounds:
        if bound.family != family:
            family = bound.family
            parts.append(rf"\subsection*{{Family \texttt{{{latex_text(family)}}}}}")
        parts.append(bound_tex(bound, bounds) + "\n")
    return "\n".join(parts)


# -- compiling --------------------------------------------------------------------------------

def _log_tail(log: Path, fallback: str) -> str:
    text = log.read_text(errors="replace") if log.is_file() else fallback
    return "\n".join(text.splitlines()[-LOG_TAIL_LINES:])


def compile_pdf(tex_path: Path, out_dir: Path, pdf_name: str | None = None) -> Path | None:
    """Compile ``tex_path`` and copy the PDF to ``out_dir / pdf_name``.

    The build runs with the tex file's folder as working directory (so its relative
    ``\\input`` and ``\\includegraphics`` paths resolve) and writes auxiliary files to a
    temporary folder. Returns the PDF's path, or None (with a logged warning) when
    pdflatex is not installed. Raises :class:`LatexError` with the log's tail on failure.
    """
    tex_path = Path(tex_path).resolve()
    out_dir = Path(out_dir)
    if not tex_path.is_file():
        raise LatexError(f"no LaTeX source at {tex_path}")
    if shutil.which("pdflatex") is None:
        logger.warning("pdflatex is not installed: %s was written but not compiled "
                       "(install texlive-latex-base, texlive-latex-recommended and "
                       "texlive-fonts-recommended to get the PDF)", tex_path)
        return None
    target = out_dir / (pdf_name or f"{tex_path.stem}.pdf")
    options = ["-interaction=nonstopmode", "-halt-on-error", "-file-line-error"]
    with tempfile.TemporaryDirectory(prefix="nasbound-latex-") as build:
        if shutil.which("latexmk") is not None:
            commands = [["latexmk", "-pdf", "-quiet", f"-outdir={build}", *options,
                         tex_path.name]]
        else:  # two passes resolve the references and citations
            single = ["pdflatex", f"-output-directory={build}", *options, tex_path.name]
            commands = [single, single]
        for command in commands:
            try:
                done = subprocess.run(command, cwd=tex_path.parent, capture_output=True,
                                      text=True, timeout=LATEX_TIMEOUT_S, check=False)
            except subprocess.TimeoutExpired as exc:
                tail = _log_tail(Path(build) / f"{tex_path.stem}.log", str(exc.stdout or ""))
                raise LatexError(f"{command[0]} ran past {LATEX_TIMEOUT_S} s on {tex_path}; "
                                 f"log tail:\n{tail}") from exc
            if done.returncode != 0:
                tail = _log_tail(Path(build) / f"{tex_path.stem}.log",
                                 done.stdout + done.stderr)
                raise LatexError(f"{command[0]} failed (exit {done.returncode}) on "
                                 f"{tex_path}; log tail:\n{tail}")
        built = Path(build) / f"{tex_path.stem}.pdf"
        if not built.is_file():
            raise LatexError(f"{commands[0][0]} reported success but wrote no {built.name}")
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)
    logger.info("compiled %s", target)
    return target

"""Sphinx extension for the book's API reference (the part ``book/api``).

* Cross-references written with the package's short aliases
  (``optbind.green.dyadic_green``, ``optbind.gaussian.steady_state`` ...) are
  resolved to the documented long names (``optbind.electrodynamics.green...``):
  the aliases are the same module objects, but autodoc documents each object
  once, under its canonical module.
* References into numpy, scipy, QuTiP, dask, xarray and matplotlib are not
  resolved (the book is built offline, without intersphinx inventories) and
  are exempt from nitpicky warnings; so are the free-text type descriptions of
  numpydoc parameter sections ("array_like, shape (N, 3)").
"""
from __future__ import annotations

__all__ = ["ALIASES", "setup"]

#: short alias -> canonical module (kept in step with optbind._ALIASES by a test)
ALIASES = {
    "optbind.green": "optbind.electrodynamics.green",
    "optbind.particles": "optbind.electrodynamics.particles",
    "optbind.fields": "optbind.electrodynamics.fields",
    "optbind.array": "optbind.linear.array",
    "optbind.model": "optbind.linear.model",
    "optbind.chain": "optbind.linear.chain",
    "optbind.gaussian": "optbind.dynamics.moments",
    "optbind.quantum": "optbind.dynamics.quantum",
    "optbind.langevin": "optbind.dynamics.langevin",
    "optbind.response": "optbind.dynamics.response",
}

_EXTERNAL = (r"(numpy|np|scipy|qutip|dask|distributed|xarray|matplotlib|pandas|mpmath|"
             r"importlib|numbers|dataclasses|pathlib|typing)(\..*)?")


def _canonical(target: str) -> str | None:
    for short, long in ALIASES.items():
        if target == short or target.startswith(short + "."):
            return long + target[len(short):]
    return None


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    canonical = _canonical(target)
    if canonical is None:
        return None
    domain = env.get_domain("py")
    node["reftarget"] = canonical
    return domain.resolve_xref(env, node.get("refdoc"), app.builder, node["reftype"],
                               canonical, node, contnode)


def _config_inited(app, config):
    ignore = list(config.nitpick_ignore_regex or [])
    ignore.append((r"py:.*", _EXTERNAL))
    # numpydoc type phrases ("array_like, shape (N, 3)", "{'full', 'far'}", "ArrayModel"):
    # napoleon turns every word of a type field into a class reference; the undotted
    # ones are descriptions, not objects (dotted optbind.* targets are still checked)
    ignore.append((r"py:class", r"[^.]*"))
    config.nitpick_ignore_regex = ignore


def setup(app):
    app.connect("config-inited", _config_inited)
    app.connect("missing-reference", _missing_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}

"""Execute one notebook with papermill in a child process of the runner.

``python -m optbind_book._worker SPEC.json``: the spec gives the MyST source,
the output notebook, the working folder, the parameters and the timeout; the
result (``{"ok": true}`` or the failing cell's index, exception name and
value) is written to ``spec["result"]``.  The runner starts this process in a
session of its own, so that Ctrl-C in a terminal reaches only the runner, which
then stops this process, marks the partial notebook and prints one line.
"""

from __future__ import annotations

import json
import sys
import traceback

__all__ = ["main"]


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as fh:
        spec = json.load(fh)
    result: dict = {"ok": False}
    code = 2
    try:
        import jupytext
        import papermill as pm

        nb = jupytext.read(spec["source"], fmt="md:myst")
        try:
            pm.execute_notebook(
                nb,
                spec["output"],
                parameters=spec["parameters"],
                cwd=spec["cwd"],
                kernel_name="python3",
                progress_bar=False,
                log_output=False,
                execution_timeout=spec["timeout"],
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
            result, code = {"ok": True}, 0
        except pm.PapermillExecutionError as exc:
            result = {
                "ok": False,
                "cell_index": exc.cell_index,
                "ename": exc.ename,
                "evalue": exc.evalue,
            }
            code = 1
    except BaseException as exc:  # noqa: BLE001 - reported to the runner
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = {"ok": False, "ename": type(exc).__name__, "evalue": last}
        code = 2
    with open(spec["result"], "w", encoding="utf-8") as fh:
        json.dump(result, fh)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""`pip install` of the built wheel into a fresh venv outside the repo: the installed
`modeller` works with no checkout present (`new`, `validate`, `build`, `help`).

Kept fast and offline: the wheel is built with the dev venv's hatchling
(`--no-build-isolation --no-index`), installed with `--no-deps --no-index` into a venv
made `--without-pip`, whose dependencies come from the dev venv's site-packages through a
`.pth` file (the dev venv's own `.pth` files, such as the editable install's pointer to
the checkout, are not processed from there: only a site directory's are).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(args, **kw):
    result = subprocess.run(args, capture_output=True, text=True, **kw)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result


def test_installed_wheel_works_without_the_repo(tmp_path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--no-index", "-q", "-w", str(wheels), str(REPO)], cwd=tmp_path)
    (wheel,) = wheels.glob("iapt_ltc_modeller-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; "
                      "print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (site / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
          "--no-index", "-q", str(wheel)], cwd=tmp_path)

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"

    def modeller(*args):
        return _run([str(env_dir / "bin" / "modeller"), *args], cwd=work, env=env)

    where = _run([str(python), "-c", "import modeller, modeller.inputs.bundled as b; "
                  "print(modeller.__file__); print(b.bundled_dir('assumptions')); "
                  "print(b.bundled_dir('docs'))"], cwd=work, env=env).stdout.split()
    assert all(Path(p).is_relative_to(env_dir) for p in where), where
    assert not any(Path(p).is_relative_to(REPO) for p in where)

    assert "wrote my-area.yaml" in modeller("new", "my-area.yaml").stdout
    assert "ok: my-area.yaml" in modeller("validate", "my-area.yaml", "example-area").stdout
    built = modeller("build", "my-area.yaml", "--out-dir", "out").stdout.split()
    assert (work / "out" / "my-area" / "board-summary.pdf").read_bytes().startswith(b"%PDF")
    assert all((work / p).is_file() for p in built)
    assert modeller("help", "uncertainty").stdout == \
        (REPO / "docs" / "uncertainty.md").read_text(encoding="utf-8")

# Sourced by the scripts that drive Atrium with the official Azure Python SDKs: a virtualenv with
# the packages pinned in Tests/Conformance/requirements.txt, installed from PyPI when they change.
# Sets venv.
venv=.build/conformance-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
requirements=Tests/Conformance/requirements.txt
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp"; then
  "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
  cp "$requirements" "$stamp"
fi

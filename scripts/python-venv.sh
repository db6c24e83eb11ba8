# Sourced by the scripts that need Python tools from PyPI: `python_venv DIR "import a, b" pkg...`
# makes (once) a virtual environment in DIR with the packages, installing Debian's venv module
# first when python3 lacks it.
python_venv() {
    local venv=$1 check=$2
    shift 2
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "$check" 2>/dev/null; then return; fi
    if ! python3 -m venv "$venv" 2>/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet "$@"
}

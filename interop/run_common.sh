# Sourced by the interop/*_run.sh scripts: the checks each one makes before it runs node.
#
#   interop_binary USAGE "$@"        sets TESSERA to the absolute path of $1 (exits 2 with USAGE
#                                    when it is missing or not executable)
#   interop_needs DIR PKG...         exits 2 unless node is installed and each npm PKG is in
#                                    DIR/node_modules
#   interop_has_option SUBCMD OPTION exits 2 unless `tessera SUBCMD --help` lists OPTION (an
#                                    unknown subcommand may still print the top-level help and
#                                    exit 0, so an option only that subcommand has is asked for)

interop_binary() {
  local usage="$1"
  shift
  if [ "$#" -lt 1 ]; then
    echo "usage: $0 $usage" >&2
    exit 2
  fi
  if [ ! -x "$1" ]; then
    echo "error: $1 is not an executable" >&2
    exit 2
  fi
  TESSERA="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}

interop_needs() {
  local dir="$1"
  shift
  if ! command -v node >/dev/null 2>&1; then
    echo "error: node is not installed (scripts/setup.sh installs it)" >&2
    exit 2
  fi
  local pkg
  for pkg in "$@"; do
    if [ ! -d "$dir/node_modules/$pkg" ]; then
      echo "error: npm package $pkg is not installed; run 'npm ci' in $dir (or scripts/setup.sh)" >&2
      exit 2
    fi
  done
}

interop_has_option() {
  local help
  help="$("$TESSERA" $1 --help 2>&1 || true)"
  if ! grep -q -- "$2" <<<"$help"; then
    echo "error: '$TESSERA $1 --help' shows no $2; this tessera build lacks what the test needs" >&2
    exit 2
  fi
}

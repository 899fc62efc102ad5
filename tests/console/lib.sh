# Helpers of the console tests (tmux): sourced after the CLI helpers, which it loads. A test sets
# SOCK (one tmux server per console it starts) and drives the console with tm send-keys.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
SOCK="credence-console-$$"
SCREEN_WAIT=${SCREEN_WAIT:-0.8}
CAPTURE=(-p) # test_theme adds -e to keep the colours in the capture
tm() { tmux -L "$SOCK" -f "$(dirname "${BASH_SOURCE[0]}")/tmux.conf" "$@"; }
# screen [SECONDS]: waits, then captures the pane into $T/screen
screen() {
    sleep "${1:-$SCREEN_WAIT}"
    tm capture-pane "${CAPTURE[@]}" >"$T/screen"
}
show_screen() { cat -v "$T/screen" | sed 's/^/    | /' | head -40; }
# see PATTERN DESCRIPTION: the pane shows PATTERN, waiting up to SEE_SECONDS (30 s: the machine may
# be busy, and a sanitized demo build takes a while; a pass returns as soon as the text shows)
SEE_SECONDS=${SEE_SECONDS:-30}
see() {
    checks=$((checks + 1))
    local i
    for i in $(seq $((SEE_SECONDS * 5))); do
        grep -Eq -- "$1" "$T/screen" && return 0
        sleep 0.2
        tm capture-pane "${CAPTURE[@]}" >"$T/screen"
    done
    fail "$2: screen lacks /$1/"
    show_screen
}
# lacks PATTERN DESCRIPTION: the pane (as last captured) does not show PATTERN
lacks() {
    checks=$((checks + 1))
    ! grep -Eq -- "$1" "$T/screen" || {
        fail "$2: screen shows /$1/"
        show_screen
    }
}

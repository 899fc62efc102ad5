#!/usr/bin/env bash
# Console themes in a real terminal (tmux): a shipped theme draws in its colours, a broken user
# theme shows its FILE:LINE error in the message line and the console still draws with the
# default, an unknown name falls back the same way, [ui] theme in the config, NO_COLOR wins over
# any theme, and review --list-themes names each theme's source.
source "$(dirname "$0")/lib.sh"
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8
unset CREDENCE_DB NO_COLOR
"$BIN" demo --no-ui >/dev/null 2>&1 || { echo "demo failed"; exit 1; }
export CREDENCE_DB="$XDG_DATA_HOME/credence/demo.db" CREDENCE_NOW=2026-11-24
n=0 # one tmux server per console: a server just killed may still hold its socket
CAPTURE=(-e -p)
# console ENV... -- ARGS...: a fresh console at 120x30 with the environment and arguments given
console() {
    tm kill-server 2>/dev/null
    n=$((n + 1))
    SOCK="credence-theme-$$-$n"
    tm new-session -d -x 120 -y 30 "env XDG_CONFIG_HOME=$XDG_CONFIG_HOME CREDENCE_DB=$CREDENCE_DB CREDENCE_NOW=$CREDENCE_NOW TERM=$TERM $* ; sleep 30"
    screen 1.5
}
ESC=$'\033'
trap 'tm kill-server 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$XDG_CONFIG_HOME/credence/themes"

# a shipped theme by name: high-contrast's title bar is black on bright yellow
console "$BIN" --as dana --theme high-contrast
see "credence \| Dana Whitfield \(dana\) as owner \| Dashboard" "console starts with --theme high-contrast"
see "${ESC}\[30m${ESC}\[103m credence \|" "high-contrast title: black on bright yellow"
lacks "using the default theme" "no theme message"
tm send-keys 3; screen
see "\| Pools \|" "high-contrast console takes keys"

# the default theme: white on blue title
console "$BIN" --as dana
see "${ESC}\[37m${ESC}\[44m credence \|" "default title: white on blue"

# solarized-dark uses 256 colours on a 256-colour terminal
console "$BIN" --as dana --theme solarized-dark
see "38;5;230m${ESC}\[48;5;235m credence \|" "solarized title in 256 colours"

# a broken user theme: located error in the message line, the console still draws (default)
cat >"$XDG_CONFIG_HOME/credence/themes/broken.theme" <<'THEME'
# a theme with a mistake on line 4
[colors]
title = white on blue bold
selection = purple on blue
THEME
console "$BIN" --as dana --theme broken
see "using the default theme: $XDG_CONFIG_HOME/credence/themes/broken.theme:4: unknown colour 'purple'" \
    "located error in the message line"
see "credence \| Dana Whitfield \(dana\) as owner \| Dashboard" "console still draws"
see "${ESC}\[37m${ESC}\[44m credence \|" "falls back to the default colours"
see "CAMPAIGN 2026-Q4" "dashboard drawn"
tm send-keys 2; screen
see "\| Queue \|" "keys still work"
lacks "broken.theme" "the message clears after a key"

# an unknown name falls back the same way and says what exists
console "$BIN" --as dana --theme no-such-theme
see "unknown theme 'no-such-theme' \(found: [a-z, -]*broken" "unknown theme listed in the message line"
see "CAMPAIGN 2026-Q4" "dashboard drawn with an unknown theme"

# [ui] theme in the config; a user theme shadows the shipped one of the same name
cat >"$XDG_CONFIG_HOME/credence/config.ini" <<'INI'
[ui]
theme = colorblind
INI
cat >"$XDG_CONFIG_HOME/credence/themes/colorblind.theme" <<'THEME'
[theme]
name = my colorblind
[colors]
title = black on color208 bold
THEME
console "$BIN" --as dana
see "38;5;208m|48;5;208m credence \|" "[ui] theme picks the user's colorblind"
rm "$XDG_CONFIG_HOME/credence/themes/colorblind.theme"
console "$BIN" --as dana
see "CAMPAIGN 2026-Q4" "shipped colorblind theme draws"
see "38;5;208m" "shipped colorblind: orange severities"
rm "$XDG_CONFIG_HOME/credence/config.ini"

# NO_COLOR wins over any theme: attributes only, no colour sequences at all
console NO_COLOR=1 "$BIN" --as dana --theme high-contrast
see "credence \| Dana Whitfield" "NO_COLOR console draws"
lacks "${ESC}\[(3|4|9|10)[0-7]m|38;5;|48;5;" "NO_COLOR: no colours"
see "${ESC}\[1;7m credence \|" "NO_COLOR: title in reverse bold (mono)"
console "$BIN" --as dana --theme mono
lacks "${ESC}\[(3|4|9|10)[0-7]m|38;5;|48;5;" "mono theme: no colours"
tm send-keys Q
tm kill-server 2>/dev/null

# the listing: user theme first, then the shipped ones, built-ins shadowed
c review --list-themes
expect_rc 0 "review --list-themes"
expect_out "^broken +user +$XDG_CONFIG_HOME/credence/themes/broken.theme +invalid: .*broken.theme:4: unknown colour 'purple'" \
    "user theme listed as invalid with its location"
expect_out "^high-contrast +(installed|source tree) " "shipped themes listed"
expect_out "^default +built-in +\(built-in\) +\(shadowed\)" "built-in default shadowed"
finish

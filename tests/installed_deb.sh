#!/usr/bin/env bash
# The installed-package test: proves that the .deb a patient double-clicks hands
# ownchart:// links to the app, as the operating system delivers them.
#
#   bash tests/installed_deb.sh target/release/bundle/deb/Ownchart_<version>_amd64.deb
#
# It unpacks the package into a temporary root (nothing is installed on the
# machine), checks its control file, files and desktop entry, registers that
# desktop entry for a temporary XDG data folder exactly as dpkg's triggers would
# for /usr/share (only `Exec` is pointed at the unpacked binary; `%u` is kept), and
# then, in a throw-away home under Xvfb, its own D-Bus session and an unlocked
# gnome-keyring:
#   - the packaged binary creates a keyring vault and a new process unlocks it
#     (the release build uses the real Secret Service, not an in-memory mock);
#   - warm: the app is running, `gio open ownchart://callback?...` starts a second
#     instance, single-instance forwards the link, and the running app's own log
#     shows the link reached its deep-link handler;
#   - cold: no app running, `gio open ownchart://callback?...` starts the app with
#     the link, and its log shows the link reached the handler;
#   - the installed app never registers itself over what the package set up, and
#     the link's query (it carries the sign-in code) is in no log.
# "Reached" is the app's own log line for a callback whose `state` matches no
# sign-in: "login callback ignored: it matches no pending sign-in" (deep_link.rs).
# The release binary has no test hook for this.
set -euo pipefail

deb=${1:?usage: installed_deb.sh PATH/TO/ownchart.deb}
deb=$(realpath "$deb")

log() { printf 'installed_deb: %s\n' "$*"; }
fail() {
  printf 'installed_deb: FAIL: %s\n' "$*" >&2
  exit 1
}

work=$(mktemp -d)
cleanup() {
  if [ -n "${app_pid:-}" ]; then kill "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- The package ------------------------------------------------------------
root="$work/root"
dpkg-deb -x "$deb" "$root"
package=$(dpkg-deb -f "$deb" Package)
depends=$(dpkg-deb -f "$deb" Depends)
log "package $package $(dpkg-deb -f "$deb" Version), $(du -k "$deb" | cut -f1) KiB; Depends: $depends"
[ "$package" = "ownchart" ] || fail "package name is '$package'"

bin="$root/usr/bin/ownchart"
[ -x "$bin" ] || fail "no /usr/bin/ownchart in the package"
desktop_files=("$root"/usr/share/applications/*.desktop)
[ ${#desktop_files[@]} -eq 1 ] && [ -f "${desktop_files[0]}" ] || fail "expected one desktop entry"
desktop="${desktop_files[0]}"
desktop_id=$(basename "$desktop")
ls "$root"/usr/share/icons/hicolor/*/apps/ownchart.png >/dev/null 2>&1 || fail "no icons"

desktop-file-validate "$desktop" || fail "$desktop_id is not a valid desktop entry"
grep -qx 'Exec=ownchart %u' "$desktop" || fail "$desktop_id does not pass the link: $(grep ^Exec= "$desktop")"
grep -q '^MimeType=.*x-scheme-handler/ownchart;' "$desktop" || fail "$desktop_id does not claim ownchart:// links"

# Every library the binary links comes from a declared dependency or from one of
# theirs (as this machine's apt resolves them; alternatives not installed here,
# such as Ubuntu's libssl3t64 on Debian, are skipped).
# No `producer | grep -q` or `awk '{...; exit}'` here: under pipefail the producer
# dies of SIGPIPE when the reader stops early, and the script with it (exit 141).
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
owner_of() {
  local path=$1 real
  real=$(realpath "$path")
  for p in "$path" "$real" "${real#/usr}" "/usr$real"; do
    owner=$(dpkg -S "$p" 2>/dev/null) || continue
    printf '%s\n' "${owner%%:*}"
    return 0
  done
  return 1
}
declared=()
for name in $(tr ',|' '\n\n' <<<"$depends" | sed 's/(.*)//; s/ //g'); do
  if installed "$name"; then declared+=("$name"); fi
done
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "${declared[@]}" |
  grep -v '^ ' | sed 's/:.*//; s/[<>]//g' | sort -u)
ld_cache=$(ldconfig -p)
for soname in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do
  path=$(awk -v s="$soname" '$1 == s && !found {print $NF; found = 1}' <<<"$ld_cache")
  [ -n "$path" ] || fail "$soname is not on this machine"
  owner=$(owner_of "$path") || fail "no package owns $path"
  case "$owner" in libc6 | libgcc-s1) continue ;; esac
  grep -qx "$owner" <<<"$closure" || fail "$soname comes from $owner, which Depends does not bring"
done
log "desktop entry, icons and dependencies ok"

# Release hygiene: stripped, no debug-only hooks, the real keyring store linked in.
[[ "$(file -b "$bin")" == *", stripped"* ]] || fail "the binary is not stripped"
if grep -aq OWNCHART_E2E_PICK_FILES "$bin"; then fail "a debug-only hook is in the release binary"; fi
grep -aq org.freedesktop.secrets "$bin" || fail "the Secret Service keyring store is not in the binary"
log "release binary: $(du -k "$bin" | cut -f1) KiB, stripped, no debug hooks"

# --- Register the package's desktop entry for a hermetic XDG home -------------
mkdir -p "$work"/{home,data/applications,config,cache,runtime,vault}
chmod 700 "$work/runtime"
sed "s|^Exec=ownchart |Exec=$bin |" "$desktop" >"$work/data/applications/$desktop_id"
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
  XDG_CACHE_HOME="$work/cache" XDG_RUNTIME_DIR="$work/runtime" \
  OWNCHART_DATA_DIR="$work/vault" OWNCHART_NO_DEMO_PORTAL=1
unset BROWSER OWNCHART_LOGIN_REDIRECT
update-desktop-database "$XDG_DATA_HOME/applications"
xdg-mime default "$desktop_id" x-scheme-handler/ownchart
default=$(xdg-mime query default x-scheme-handler/ownchart)
[ "$default" = "$desktop_id" ] || fail "the ownchart:// handler is '$default', not $desktop_id"
log "registered $desktop_id as the ownchart:// handler in $XDG_DATA_HOME"

export WORK="$work" BIN="$bin" DESKTOP_ID="$desktop_id"
xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -euo pipefail -c '
  log() { printf "installed_deb: %s\n" "$*"; }
  fail() { printf "installed_deb: FAIL: %s\n" "$*" >&2; exit 1; }
  eval "$(printf %s installed-deb-keyring | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL

  # The keyring vault: created by one process, unlocked by the next.
  "$BIN" init --json >"$WORK/init.json" || fail "ownchart init: $(cat "$WORK/init.json")"
  "$BIN" status --json >"$WORK/status.json"
  grep -q "\"state\": *\"unlocked\"" "$WORK/status.json" &&
    grep -q "\"protection\": *\"keyring\"" "$WORK/status.json" ||
    fail "a new process could not unlock the keyring vault: $(cat "$WORK/status.json")"
  log "keyring vault created and unlocked by a new process"

  # Waits up to $2 seconds for the line in file $1.
  wait_for_line() {
    for _ in $(seq $(($2 * 4))); do
      grep -q "login callback ignored: it matches no pending sign-in" "$1" 2>/dev/null && return 0
      sleep 0.25
    done
    return 1
  }
  # single-instance names its D-Bus service after the bundle identifier (tauri.conf.json).
  instance_name() {
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.ListNames | grep -o "org\.ownchart\.desktop\.SingleInstance[A-Za-z0-9_.]*" || true
  }
  # The app has finished starting once its window is on screen: the deep-link
  # handler is set up before GTK maps the window.
  wait_for_window() {
    for _ in $(seq 240); do
      for id in $(xwininfo -root -tree | awk "/\"Ownchart\"/ {print \$1}"); do
        [[ "$(xwininfo -id "$id")" == *IsViewable* ]] && return 0
      done
      sleep 0.25
    done
    return 1
  }
  pid_of_instance() {
    gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
      --method org.freedesktop.DBus.GetConnectionUnixProcessID "$(instance_name)" 2>/dev/null |
      grep -o "[0-9]\+" | tail -1 || true
  }
  stop() {
    kill "$1"
    for _ in $(seq 40); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$1" 2>/dev/null || true
  }

  # Warm: the running app receives a link the OS hands to a second instance.
  "$BIN" >"$WORK/app.log" 2>&1 &
  app=$!
  wait_for_window || fail "the app did not show its window: $(cat "$WORK/app.log")"
  [ -n "$(instance_name)" ] || fail "the app holds no single-instance name"
  gio open "ownchart://callback?state=warm-state&code=WARM-CODE-CANARY" 2>"$WORK/gio-warm.log" ||
    fail "gio open failed: $(cat "$WORK/gio-warm.log")"
  wait_for_line "$WORK/app.log" 60 || fail "the running app never got the link: $(cat "$WORK/app.log" "$WORK/gio-warm.log")"
  kill -0 "$app" || fail "the running app exited"
  [ "$(pid_of_instance)" = "$app" ] || fail "another instance took over"
  log "warm: gio open reached the running app (pid $app) through single-instance"
  stop "$app"

  # Cold: no app running; the link starts it, and it is handled at start-up.
  for _ in $(seq 40); do [ -z "$(instance_name)" ] && break; sleep 0.25; done
  gio open "ownchart://callback?state=cold-state&code=COLD-CODE-CANARY" >"$WORK/cold.log" 2>&1 ||
    fail "gio open failed: $(cat "$WORK/cold.log")"
  wait_for_line "$WORK/cold.log" 60 || fail "the app started by the link never got it: $(cat "$WORK/cold.log")"
  wait_for_window || fail "the app started by the link did not show its window"
  cold=$(pid_of_instance)
  [ -n "$cold" ] || fail "no app is running after the cold start"
  log "cold: gio open started the app (pid $cold) with the link"
  stop "$cold"
'

# The package's entry stayed the handler: the installed app registered nothing.
[ ! -e "$XDG_DATA_HOME/applications/ownchart-handler.desktop" ] ||
  fail "the installed app registered its own handler"
[ "$(xdg-mime query default x-scheme-handler/ownchart)" = "$desktop_id" ] ||
  fail "the ownchart:// handler changed while the app ran"
if grep -rqs -e WARM-CODE-CANARY -e COLD-CODE-CANARY "$work"/*.log "$work/vault" "$work/data" "$work/config" "$work/cache"; then
  fail "a link's query string reached a log or the data folder"
fi
log "the package's handler was kept; no code in any log or file"
log "passed"

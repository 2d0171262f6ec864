#!/bin/sh
# Host side of `python -m build_tools deploy / rollback`: run as `sh host.sh CMD DIR ...` for a local folder,
# or as `ssh HOST sh -s -- CMD DIR ...` with this file on standard input. Needs only POSIX sh and GNU
# coreutils (sha256sum, mv -T, readlink), so any Linux host serves.
#
# DIR/releases/<UTC time>-<commit>/   one complete, checked site per release
# DIR/current -> releases/<name>      what nginx serves; replaced by rename(2), so never half-switched
#
#   prepare  DIR NAME        make DIR/releases, clear an earlier failed upload of NAME; print current=, exists=
#   activate DIR NAME KEEP   check the uploaded copy (or the existing release) against its SHA256SUMS, move it
#                            into place, switch current to it, keep the KEEP newest releases (and current)
#   rollback DIR [NAME]      check NAME (default: the release before current) and switch current to it
#   list     DIR             releases, newest first; the current one is marked with *
set -eu
umask 022

NAME_RE='^[0-9]{8}T[0-9]{6}Z-[0-9a-z]+$'

die() { echo "host: $*" >&2; exit 1; }

current_name() {  # the release `current` points at, or nothing
    if [ -L "$1/current" ]; then basename "$(readlink "$1/current")"; fi
}

releases() {  # release names, oldest first (names start with the UTC time)
    ls -1 "$1/releases" 2>/dev/null | grep -E "$NAME_RE" | sort || true
}

lock() {  # one deploy or rollback at a time per DIR
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$1/.deploy.lock"
        flock -w 60 9 || die "another deploy is running on $1 (锁定中)"
    fi
}

verify() {  # every file of the release folder $1 matches its manifest, and no file is outside it
    if [ ! -f "$1/.release/SHA256SUMS" ] || [ ! -f "$1/.release/release.json" ]; then
        echo "host: $1: no release manifest (未经检查的站点)" >&2; return 1
    fi
    want=$(sed -n 's/.*"sums_sha256": *"\([0-9a-f]\{64\}\)".*/\1/p' "$1/.release/release.json")
    have=$(sha256sum < "$1/.release/SHA256SUMS" | cut -d' ' -f1)
    if [ -z "$want" ] || [ "$want" != "$have" ]; then
        echo "host: $1: SHA256SUMS does not match release.json (清单不一致)" >&2; return 1
    fi
    if ! (cd "$1" && sha256sum --quiet --strict -c .release/SHA256SUMS >&2); then
        echo "host: $1: files differ from the manifest (文件与清单不符)" >&2; return 1
    fi
    listed=$(wc -l < "$1/.release/SHA256SUMS")
    found=$(cd "$1" && find . -path ./.release -prune -o ! -type d -print | wc -l)
    if [ "$listed" -ne "$found" ]; then
        echo "host: $1: $found files but $listed in the manifest (有清单外的文件)" >&2; return 1
    fi
}

switch() {  # point DIR/current at releases/NAME in one rename
    tmp="$1/.current.tmp.$$"
    rm -f "$tmp"
    ln -s "releases/$2" "$tmp"
    mv -T -f "$tmp" "$1/current"
}

prune() {  # keep the KEEP newest releases, and the current one whatever its age
    cur=$(current_name "$1")
    releases "$1" | sort -r | tail -n +"$(($2 + 1))" | while read -r old; do
        if [ "$old" != "$cur" ]; then rm -rf "${1:?}/releases/$old"; echo "removed $old"; fi
    done
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: host.sh prepare|activate|rollback|list DIR ..."

case "$cmd" in
prepare)
    name=${3:?NAME}
    echo "$name" | grep -Eq "$NAME_RE" || die "invalid release name $name"
    mkdir -p "$dir/releases"
    rm -rf "$dir/releases/.partial-$name"
    # uploads that died more than a day ago
    find "$dir/releases" -maxdepth 1 -name '.partial-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
    echo "current=$(current_name "$dir")"
    if [ -d "$dir/releases/$name" ]; then echo "exists=1"; else echo "exists=0"; fi
    ;;
activate)
    name=${3:?NAME}; keep=${4:?KEEP}
    echo "$name" | grep -Eq "$NAME_RE" || die "invalid release name $name"
    [ "$keep" -ge 1 ] 2>/dev/null || die "KEEP must be a number >= 1"
    lock "$dir"
    if [ -d "$dir/releases/.partial-$name" ]; then
        verify "$dir/releases/.partial-$name" || { rm -rf "$dir/releases/.partial-$name"; exit 1; }
        rm -rf "$dir/releases/$name"
        mv -T "$dir/releases/.partial-$name" "$dir/releases/$name"
    else
        [ -d "$dir/releases/$name" ] || die "release $name was not uploaded"
        verify "$dir/releases/$name" || exit 1
    fi
    previous=$(current_name "$dir")
    switch "$dir" "$name"
    echo "switched ${previous:-(none)} -> $name"
    prune "$dir" "$keep"
    ;;
rollback)
    lock "$dir"
    cur=$(current_name "$dir")
    name=${3:-}
    if [ -z "$name" ]; then
        [ -n "$cur" ] || die "no current release to roll back from"
        name=$(releases "$dir" | awk -v c="$cur" '$0 < c' | tail -n 1)
        [ -n "$name" ] || die "no release older than $cur (没有更早的发布)"
    fi
    echo "$name" | grep -Eq "$NAME_RE" || die "invalid release name $name"
    [ -d "$dir/releases/$name" ] || die "no release $name"
    verify "$dir/releases/$name" || exit 1
    switch "$dir" "$name"
    echo "switched ${cur:-(none)} -> $name"
    ;;
list)
    cur=$(current_name "$dir")
    releases "$dir" | sort -r | while read -r name; do
        if [ "$name" = "$cur" ]; then echo "* $name"; else echo "  $name"; fi
    done
    ;;
*)
    die "unknown command $cmd"
    ;;
esac

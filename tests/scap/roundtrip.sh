#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Round trip: each corpus capture is read by our scap reader and written
# back by our writer (scap_copy, plain and gzip); sysdig must then print
# the same for the original and the copy, with its default output and
# with formats that exercise process, fd, user and argument state, and
# with the ps and lsof chisels (the state tables themselves).
#
#   roundtrip.sh SCAP_COPY CORPUS_TRACES_DIR
#
# Captures sysdig itself cannot read (curl_google_comments.scap: SHB
# options) are checked for a successful copy only. Exits 77 (ctest
# skip) when sysdig is not installed.
set -u
copy=$1
dir=$2
command -v sysdig >/dev/null 2>&1 || { echo "sysdig not found: skipping"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
formats='%evt.num %evt.time %evt.cpu %proc.name (%thread.tid) %evt.dir %evt.type %evt.args
%evt.num %proc.name %proc.pname %proc.exe %proc.exepath %proc.cmdline %proc.cwd %proc.sid %proc.vpgid %user.loginuid %proc.ppid %proc.aname[3]
%evt.num %fd.num %fd.type %fd.typechar %fd.name %fd.directory %fd.sip %fd.cip %fd.sport %fd.cport %fd.lip %fd.rip %fd.l4proto %fd.dev
%evt.num %user.name %user.uid %user.homedir %user.shell %group.name %group.gid %thread.vtid %proc.vpid %proc.env
%evt.num %evt.rawres %evt.failed %evt.buflen %evt.is_io %container.id %thread.cgroups %proc.tty %proc.vmsize %proc.vmrss %thread.pfminor %proc.sname'
for f in "$dir"/*.scap; do
	b=$(basename "$f" .scap)
	for z in "" -z; do
		out="$tmp/$b$z.scap"
		if ! "$copy" "$f" "$out" $z; then
			echo "FAIL $b$z: scap_copy failed"; fail=1; continue
		fi
		if ! sysdig -r "$f" >"$tmp/orig" 2>&1; then
			# curl_google_comments.scap is curl_google.scap with SHB
			# options: its copy (options dropped) must print the same.
			twin="$dir/${b%_comments}.scap"
			if [ "$twin" != "$f" ] && [ -f "$twin" ]; then
				sysdig -r "$twin" >"$tmp/orig" 2>&1
				sysdig -r "$out" >"$tmp/copy" 2>&1
				if cmp -s "$tmp/orig" "$tmp/copy"; then
					echo "ok   $b$z (sysdig cannot read it; the copy prints as $(basename "$twin"))"
				else
					echo "FAIL $b$z: copy differs from $(basename "$twin")"; fail=1
				fi
			else
				echo "ok   $b$z (copied; sysdig cannot read the original)"
			fi
			continue
		fi
		sysdig -r "$out" >"$tmp/copy" 2>&1
		if ! cmp -s "$tmp/orig" "$tmp/copy"; then
			echo "FAIL $b$z: default output differs"
			diff "$tmp/orig" "$tmp/copy" | head -5
			fail=1; continue
		fi
		n=$(wc -l <"$tmp/orig")
		bad=0
		echo "$formats" | while IFS= read -r fmt; do
			sysdig -r "$f" -p "$fmt" >"$tmp/o2" 2>&1
			# A field sysdig does not know would make both sides print
			# the same error: that must not count as a match.
			if head -1 "$tmp/o2" | grep -qiE 'invalid|error|unknown'; then
				echo "FAIL $b$z: sysdig rejects -p \"$fmt\""; head -1 "$tmp/o2"
				exit 1
			fi
			sysdig -r "$out" -p "$fmt" >"$tmp/c2" 2>&1
			if ! cmp -s "$tmp/o2" "$tmp/c2"; then
				echo "FAIL $b$z: -p \"$fmt\" differs"
				diff "$tmp/o2" "$tmp/c2" | head -5
				exit 1
			fi
		done || bad=1
		if [ $bad -ne 0 ]; then fail=1; continue; fi
		# The ps and lsof chisels print the process and fd tables as
		# seeded from the state blocks (empty.scap prints no events).
		for c in ps lsof; do
			sysdig -r "$f" -c $c >"$tmp/o3" 2>&1
			sysdig -r "$out" -c $c >"$tmp/c3" 2>&1
			if ! cmp -s "$tmp/o3" "$tmp/c3"; then
				echo "FAIL $b$z: chisel $c differs"
				diff "$tmp/o3" "$tmp/c3" | head -5
				bad=1
			fi
		done
		if [ $bad -ne 0 ]; then fail=1; continue; fi
		echo "ok   $b$z ($n lines identical)"
	done
done
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Measures ward against runc and crun, as ratios from one run (DESIGN.md,
# "Performance targets"), prints the results and writes them to
# docs/benchmarks.md (between the bench:begin/bench:end markers).
#
#   scripts/bench.sh [--quick] [--ward PATH] [--helper PATH] [--no-write]
#
#  (a) BPF instructions executed per allowed syscall for Docker's default
#      profile: ward's compiled filter, and the filters runc and crun really
#      load (dumped from a running container with `ward seccomp dump`);
#  (b) start-up time with hyperfine: ward (warm and cold filter cache, and warm
#      with cgroup limits), runc, crun and the floor (unshare + chroot + exec);
#      every launcher's state on a tmpfs, as /run is on Debian, Ubuntu and GitHub's
#      runners (and, where this host's /run is not one, ward's default root there too);
#  (c) peak RSS of each launcher (GNU time);
#  (e) large profiles: compile time and the allowed call's path for 10, 100,
#      1,000 and 4,000 ioctl values; which calls the kernel's action cache takes;
#  (f) 50 containers at once, exec latency, the launcher's memory beside a
#      running container, a syscall-heavy loop under each filter;
#  (d) docs/benchmarks.png, a chart of (a) and (b), with gnuplot (docs/plot.gp).
# Needs root. Installs runc, crun, hyperfine, time and gnuplot-nox from Debian
# when missing (apt-get); a tool that cannot be had is skipped and the report
# says so.
# Not part of the test suite: timings are not tests.
set -euo pipefail

prog=${0##*/}
root=$(cd "$(dirname "$0")/.." && pwd)
die() {
	echo "$prog: $*" >&2
	exit 1
}
note() { echo "$prog: $*" >&2; }

quick=0
write=1
ward=""
helper=""
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--no-write) write=0 ;;
	--ward)
		[ $# -ge 2 ] || die "--ward needs a path"
		ward=$2
		shift
		;;
	--helper)
		[ $# -ge 2 ] || die "--helper needs a path"
		helper=$2
		shift
		;;
	-h | --help)
		sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) die "unknown argument '$1'" ;;
	esac
	shift
done

[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, runc, crun, ptrace)"
for d in build-perf build-rel build; do
	[ -n "$ward" ] || [ ! -x "$root/$d/ward" ] || ward=$root/$d/ward
	[ -n "$helper" ] || [ ! -x "$root/$d/ward-testhelper" ] || helper=$root/$d/ward-testhelper
done
[ -x "${ward:-/nonexistent}" ] || die "no ward binary: build first or pass --ward PATH"
[ -x "${helper:-/nonexistent}" ] || die "no ward-testhelper: build first or pass --helper PATH"
ward=$(realpath "$ward")
helper=$(realpath "$helper")

if [ "$quick" -eq 1 ]; then
	runs=10
	warmup=2
else
	runs=40
	warmup=5
fi

skipped=()
have() { command -v "$1" >/dev/null 2>&1; }
apt_updated=0
need() { # need PACKAGE COMMAND: install from Debian when missing
	have "$2" && return 0
	if have apt-get; then
		if [ "$apt_updated" -eq 0 ]; then
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
			apt_updated=1
		fi
		note "installing $1"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 || true
	fi
	have "$2"
}
need jq jq || die "jq is required"
have_runc=0
have_crun=0
have_hyperfine=0
have_time=0
if need runc runc; then have_runc=1; else skipped+=("runc: not installable (apt-get install runc failed)"); fi
if need crun crun; then have_crun=1; else skipped+=("crun: not installable (apt-get install crun failed)"); fi
if need hyperfine hyperfine; then
	have_hyperfine=1
else
	skipped+=("start-up times: hyperfine not installable")
fi
if [ -x /usr/bin/time ] || need time /usr/bin/time; then
	have_time=1
else
	skipped+=("peak RSS: GNU time not installable")
fi
have_gnuplot=0
if [ "$write" -eq 1 ]; then
	if need gnuplot-nox gnuplot; then
		have_gnuplot=1
	else
		note "WARNING: gnuplot not installable (apt-get install gnuplot-nox failed): no chart"
		skipped+=("chart: gnuplot not installable, docs/benchmarks.png NOT refreshed")
	fi
fi

work=$(mktemp -d /tmp/ward-bench.XXXXXX)
# Every launcher keeps its state on a tmpfs, as /run is on Debian, Ubuntu and GitHub's
# runners. Where this host's /run is not one (a disk file system, whose metadata writes
# and, mounted with discard, freed blocks every start and end pays for), ward with its
# default root there is measured too (ward-hostrun).
state=$work/state
mkdir "$state"
mount -t tmpfs -o mode=0700,size=64m ward-bench-state "$state" || die "cannot mount a tmpfs at $state"
runc_root=$state/runc
crun_root=$state/crun
ward_root=$state/ward
wardr="$ward --root $ward_root"
host_run=$(findmnt -no FSTYPE --target /run 2>/dev/null || stat -fc %T /run 2>/dev/null || echo unknown)
id_runc=ward-bench-runc-$$
id_crun=ward-bench-crun-$$
cleanup() {
	if [ "$have_runc" -eq 1 ]; then
		runc --root "$runc_root" kill "$id_runc" KILL >/dev/null 2>&1 || true
		runc --root "$runc_root" delete -f "$id_runc" >/dev/null 2>&1 || true
	fi
	if [ "$have_crun" -eq 1 ]; then
		crun_ns crun --root "$crun_root" --cgroup-manager=disabled kill "$id_crun" KILL \
			>/dev/null 2>&1 || true
		crun_ns crun --root "$crun_root" --cgroup-manager=disabled delete -f "$id_crun" \
			>/dev/null 2>&1 || true
	fi
	umount -l "$state" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# crun refuses a hybrid cgroup layout (v1 controllers plus /sys/fs/cgroup/unified).
# There it runs in a private mount namespace where the v2 hierarchy is mounted
# over /sys/fs/cgroup, with its cgroup manager disabled.
crun_hybrid=0
if [ -d /sys/fs/cgroup/unified ] && [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
	crun_hybrid=1
fi
crun_wrap=()
if [ "$crun_hybrid" -eq 1 ]; then
	# shellcheck disable=SC2016 # "$@" is for the inner sh
	crun_wrap=(unshare -m sh -c 'mount --bind /sys/fs/cgroup/unified /sys/fs/cgroup && exec "$@"' sh)
fi
crun_ns() { "${crun_wrap[@]}" "$@"; }
crun_flags=()
if [ "$crun_hybrid" -eq 1 ]; then
	crun_flags=(--cgroup-manager=disabled)
fi

# ---- inputs ---------------------------------------------------------------------------

profile_arg=()
profile_name="ward's built-in default (profiles/default.json)"
ref=/work/shared/reference/docker-default-seccomp.json
if [ -f "$ref" ]; then
	profile_arg=("$ref")
	profile_name="Docker's default ($ref)"
fi
rootfs=$work/rootfs
"$root/scripts/mkrootfs.sh" "$rootfs" --helper "$helper" >/dev/null
"$ward" seccomp export --format json "${profile_arg[@]}" >"$work/seccomp.json"

# A bundle per command; same namespaces as ward run (mount, pid, uts, ipc, net, cgroup).
make_bundle() { # DIR ARGS_JSON
	mkdir -p "$1"
	local tool=runc
	[ "$have_runc" -eq 1 ] || tool=crun
	(cd "$1" && "$tool" spec)
	jq --arg rootfs "$rootfs" --argjson args "$2" --slurpfile sc "$work/seccomp.json" \
		'.process.terminal = false | .process.args = $args | .root.path = $rootfs
		| .root.readonly = true | .linux.seccomp = $sc[0]' \
		"$1/config.json" >"$1/config.json.new"
	mv "$1/config.json.new" "$1/config.json"
}
if [ "$have_runc" -eq 1 ] || [ "$have_crun" -eq 1 ]; then
	make_bundle "$work/b-sleep" '["/usr/bin/ward-testhelper","sleep","30"]'
	make_bundle "$work/b-true" '["/usr/bin/ward-testhelper","true"]'
fi

# ---- (a) filter cost ---------------------------------------------------------------------

declare -A mean worst len
bench_json() { # NAME JSON
	mean[$1]=$(jq -r .mean_allowed <<<"$2")
	worst[$1]=$(jq -r .worst_allowed <<<"$2")
	len[$1]=$(jq -r .instructions <<<"$2")
}
bench_json ward "$("$ward" seccomp bench --json "${profile_arg[@]}")"
bench_json ward-builtin "$("$ward" seccomp bench --json)"

wait_pid() { # STATE_COMMAND...: the container's pid once it runs
	local pid
	for _ in $(seq 50); do
		pid=$("$@" 2>/dev/null | jq -r '.pid // 0') || pid=0
		[ "${pid:-0}" -gt 0 ] && {
			echo "$pid"
			return 0
		}
		sleep 0.1
	done
	return 1
}

dump_filter() { # NAME PID
	"$ward" seccomp dump "$2" >"$work/$1.bpf"
	bench_json "$1" "$("$ward" seccomp bench --json --bpf "$work/$1.bpf")"
}

if [ "$have_runc" -eq 1 ]; then
	runc --root "$runc_root" run -d --bundle "$work/b-sleep" "$id_runc" \
		</dev/null >/dev/null 2>"$work/runc.err" || die "runc run failed: $(cat "$work/runc.err")"
	pid=$(wait_pid runc --root "$runc_root" state "$id_runc") || die "runc container did not start"
	dump_filter runc "$pid"
	runc --root "$runc_root" kill "$id_runc" KILL >/dev/null 2>&1 || true
	runc --root "$runc_root" delete -f "$id_runc" >/dev/null 2>&1 || true
fi
if [ "$have_crun" -eq 1 ]; then
	[ "$crun_hybrid" -eq 0 ] || note "hybrid cgroup host: crun runs under unshare -m with" \
		"/sys/fs/cgroup/unified bind-mounted over /sys/fs/cgroup and --cgroup-manager=disabled"
	crun_ns crun --root "$crun_root" "${crun_flags[@]}" run -d --bundle "$work/b-sleep" \
		"$id_crun" </dev/null >/dev/null 2>"$work/crun.err" ||
		die "crun run failed: $(cat "$work/crun.err")"
	pid=$(wait_pid crun --root "$crun_root" state "$id_crun") || die "crun container did not start"
	dump_filter crun "$pid"
	crun_ns crun --root "$crun_root" "${crun_flags[@]}" kill "$id_crun" KILL >/dev/null 2>&1 || true
	sleep 0.2
	crun_ns crun --root "$crun_root" "${crun_flags[@]}" delete -f "$id_crun" >/dev/null 2>&1 || true
fi

ratio() { # A B: A/B with 2 decimals, or n/a
	if [ -z "${1:-}" ] || [ -z "${2:-}" ] || [ "$2" = 0 ]; then
		echo n/a
	else
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'
	fi
}

# ---- (b) start-up time ----------------------------------------------------------------------

declare -A median
warm=$work/cache-warm
cold=$work/cache-cold
ward_cmd="$wardr run $rootfs /usr/bin/ward-testhelper true"
hostrun_run=()
hostrun_cmd=""
if [ "$host_run" != tmpfs ] && [ "$host_run" != ramfs ]; then
	hostrun_cmd="$ward run $rootfs /usr/bin/ward-testhelper true"
	hostrun_run=(-n ward-hostrun "$hostrun_cmd")
fi
limits="--memory 256m --pids-limit 100 --cpus 1"
ward_limits_cmd="$wardr run $limits $rootfs /usr/bin/ward-testhelper true"
floor_cmd="unshare --mount --pid --uts --ipc --net --cgroup --fork chroot $rootfs /usr/bin/ward-testhelper true"
runc_cmd="runc --root $runc_root run --bundle $work/b-true $id_runc-t"
crun_cmd="crun --root $crun_root ${crun_flags[*]} run --bundle $work/b-true $id_crun-t"
if [ "$have_hyperfine" -eq 1 ]; then
	# -N: no intermediate shell, whose start-up would blur the differences
	hf=(hyperfine --style none -N --runs "$runs" --warmup "$warmup")
	limits_run=()
	# shellcheck disable=SC2086 # the command is a word list on purpose
	if WARD_CACHE_DIR=$warm $ward_limits_cmd >/dev/null 2>"$work/limits.err"; then
		limits_run=(-n ward-limits "$ward_limits_cmd")
	else
		skipped+=("ward with cgroup limits: failed on this host ($(head -n1 "$work/limits.err"))")
	fi
	# a custom profile of the kind users write: 64 names allowed, Docker's ABIs
	p64_names='"read","write","open","close","stat","fstat","lstat","poll","lseek","mmap","mprotect","munmap","brk","rt_sigaction","rt_sigprocmask","rt_sigreturn","ioctl","pread64","pwrite64","readv","writev","access","pipe","select","sched_yield","mremap","msync","mincore","madvise","dup","dup2","pause","nanosleep","getitimer","alarm","setitimer","getpid","sendfile","socket","connect","accept","sendto","recvfrom","sendmsg","recvmsg","shutdown","bind","listen","getsockname","getpeername","socketpair","setsockopt","getsockopt","clone","fork","vfork","execve","exit","wait4","kill","uname","fcntl","flock","arch_prctl"'
	printf '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"syscalls":[{"names":[%s],"action":"SCMP_ACT_ALLOW"}]}\n' \
		"$p64_names" >"$work/p64.json"
	ward64_cmd="$wardr run --security-opt seccomp=$work/p64.json $rootfs /usr/bin/ward-testhelper true"
	WARD_CACHE_DIR=$warm $ward64_cmd >/dev/null 2>&1 || true
	WARD_CACHE_DIR=$warm "${hf[@]}" --export-json "$work/hf-warm.json" \
		-n floor "$floor_cmd" -n ward "$ward_cmd" "${hostrun_run[@]}" "${limits_run[@]}" \
		-n ward-64 "$ward64_cmd" >/dev/null
	# cold: the cache directory emptied before every run (a first run, an edited
	# profile, a CI runner whose cache directory exists); -nodir: not even the directory
	mkdir -p "$cold"
	WARD_CACHE_DIR=$cold "${hf[@]}" --export-json "$work/hf-cold.json" \
		--prepare "find $cold -mindepth 1 -delete" -n ward-cold "$ward_cmd" \
		-n ward-64-cold "$ward64_cmd" >/dev/null
	WARD_CACHE_DIR=$cold "${hf[@]}" --export-json "$work/hf-nodir.json" \
		--prepare "rm -rf $cold" -n ward-cold-nodir "$ward_cmd" >/dev/null
	if [ "$have_runc" -eq 1 ]; then
		"${hf[@]}" --export-json "$work/hf-runc.json" -n runc "$runc_cmd" >/dev/null
	fi
	if [ "$have_crun" -eq 1 ]; then
		# hyperfine itself runs in crun's namespace: the bind mount costs nothing per run
		crun_ns "${hf[@]}" --export-json "$work/hf-crun.json" -n crun "$crun_cmd" >/dev/null
	fi
	for f in "$work"/hf-*.json; do
		while read -r name med; do
			median[$name]=$(awk -v s="$med" 'BEGIN { printf "%.2f", s * 1000 }')
		done < <(jq -r '.results[] | "\(.command) \(.median)"' "$f")
	done
fi

# Paired: the floor, a warm ward, a cold one and the 64-name profile warm and cold,
# alternated (forwards, then backwards), so that a drift of this machine's speed
# (hyperfine runs one command after the other) hits them alike; the targets' ratios
# are taken from these medians. A cold run's cache is emptied before its clock starts.
pairs=$((runs * 5))
paired() { # NAME CMD [CACHE]: appends its wall time in microseconds to $work/paired-NAME.us
	local t0 t1 cache=${3:-$warm}
	[ "$cache" = "$warm" ] || find "$cache" -mindepth 1 -delete
	t0=$EPOCHREALTIME
	# shellcheck disable=SC2086 # the command is a word list on purpose
	WARD_CACHE_DIR=$cache $2 >/dev/null 2>&1
	t1=$EPOCHREALTIME
	echo "${t0/[.,]/} ${t1/[.,]/}" >>"$work/paired-$1.us"
}
pmedian() { # NAME: the median in ms of $work/paired-NAME.us
	[ -s "$work/paired-$1.us" ] || return 0
	awk '{ print $2 - $1 }' "$work/paired-$1.us" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", v[int((NR + 1) / 2)] / 1000 }'
}
rm -f "$work"/paired-*.us
mkdir -p "$cold"
paired_set=(floor ward ward-cold)
[ -z "${ward64_cmd:-}" ] || paired_set+=(ward-64 ward-64-cold)
[ -z "$hostrun_cmd" ] || paired_set+=(ward-hostrun)
paired_one() { # NAME
	case $1 in
	floor) paired floor "$floor_cmd" ;;
	ward) paired ward "$ward_cmd" ;;
	ward-cold) paired ward-cold "$ward_cmd" "$cold" ;;
	ward-64) paired ward-64 "$ward64_cmd" ;;
	ward-64-cold) paired ward-64-cold "$ward64_cmd" "$cold" ;;
	ward-hostrun) paired ward-hostrun "$hostrun_cmd" ;;
	esac
}
for ((i = 0; i < pairs; i++)); do
	if ((i % 2)); then
		for ((k = ${#paired_set[@]} - 1; k >= 0; k--)); do paired_one "${paired_set[k]}"; done
	else
		for n in "${paired_set[@]}"; do paired_one "$n"; done
	fi
done
paired_floor=$(pmedian floor)
paired_ward=$(pmedian ward)
paired_cold=$(pmedian ward-cold)
paired_64=$(pmedian ward-64)
paired_64cold=$(pmedian ward-64-cold)
paired_hostrun=$(pmedian ward-hostrun)

# ---- (c) peak RSS -----------------------------------------------------------------------------

declare -A rss
max_rss() { # NAME COMMAND...: the largest of 3 runs, in KiB
	local name=$1 r best=0
	shift
	for _ in 1 2 3; do
		r=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null </dev/null | tail -n1)
		if [ "$r" -gt "$best" ]; then best=$r; fi
	done
	rss[$name]=$best
}
if [ "$have_time" -eq 1 ]; then
	# shellcheck disable=SC2086 # the commands are word lists on purpose
	WARD_CACHE_DIR=$warm max_rss ward $ward_cmd
	# shellcheck disable=SC2086
	[ "$have_runc" -eq 0 ] || max_rss runc $runc_cmd
	if [ "$have_crun" -eq 1 ]; then
		# shellcheck disable=SC2086
		max_rss crun "${crun_wrap[@]}" $crun_cmd
	fi
fi

# ---- (e) large profiles: value sets --------------------------------------------------------

# A profile allowing a few calls and N ioctl requests (arg 1 == value), on Docker's ABIs.
vset_profile() { # N OUT
	awk -v n="$1" 'BEGIN {
		srand(19); printf "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":"
		printf "[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],\"syscalls\":["
		printf "{\"names\":[\"read\",\"write\",\"exit_group\",\"execve\"],\"action\":\"SCMP_ACT_ALLOW\"}"
		for (i = 0; i < n; i++)
			printf ",{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":1,\"value\":%d,\"op\":\"SCMP_CMP_EQ\"}]}", int(rand() * 2147483647)
		printf "]}\n" }' >"$2"
}
ms_median() { # COMMAND...: median wall time of 5 runs, in ms
	local i s e t=()
	for i in 1 2 3 4 5; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || return 1
		e=$(date +%s%N)
		t+=($(((e - s) / 1000)))
	done
	printf '%s\n' "${t[@]}" | sort -n | awk 'NR == 3 { printf "%.1f", $1 / 1000 }'
}
declare -A vs_ms vs_len vs_parts vs_worst vs_mean
for n in 10 100 1000 4000; do
	vset_profile "$n" "$work/vset-$n.json"
	vs_ms[$n]=$(ms_median "$ward" seccomp export --format bpf "$work/vset-$n.json") || vs_ms[$n]=failed
	if j=$("$ward" seccomp bench --json "$work/vset-$n.json" 2>/dev/null); then
		vs_len[$n]=$(jq -r .instructions <<<"$j")
		vs_parts[$n]=$(jq -r .filters <<<"$j")
		vs_worst[$n]=$(jq -r .worst_rule_call <<<"$j")
		vs_mean[$n]=$(jq -r .mean_rule_call <<<"$j")
	fi
done
floor_export=$(ms_median "$ward" seccomp export --format bpf "$work/vset-10.json") || floor_export=n/a

# the kernel's seccomp action cache: which allowed calls skip the filter
cache_line=$("$ward" seccomp bench "${profile_arg[@]}" | sed -n 's/^ *\(seccomp action cache.*\)/\1/p')

# ---- (f) many containers, exec, memory, a syscall-heavy loop --------------------------------

declare -A par_wall par_slow par_ok
par50() { # NAME COMMAND... ({i} in an argument becomes the run's index)
	local name=$1 i t0 t1
	shift
	rm -rf "$work/par" && mkdir -p "$work/par"
	t0=$(date +%s%N)
	for i in $(seq 50); do
		(
			s=$(date +%s%N)
			if "${@//\{i\}/$i}" >/dev/null 2>&1 </dev/null; then
				e=$(date +%s%N)
				echo $(((e - s) / 1000)) >"$work/par/$i"
			fi
		) &
	done
	wait
	t1=$(date +%s%N)
	par_ok[$name]=$(find "$work/par" -type f | wc -l)
	par_wall[$name]=$(awk -v t=$(((t1 - t0) / 1000)) 'BEGIN { printf "%.0f", t / 1000 }')
	par_slow[$name]=$({ cat "$work/par"/* 2>/dev/null || true; } | sort -n | tail -n1 |
		awk '{ printf "%.0f", $1 / 1000 }')
}
# shellcheck disable=SC2086 # the commands are word lists on purpose
WARD_CACHE_DIR=$warm par50 ward $ward_cmd
[ "$have_runc" -eq 0 ] || par50 runc runc --root "$runc_root" run --bundle "$work/b-true" "$id_runc-p{i}"
[ "$have_crun" -eq 0 ] || par50 crun "${crun_wrap[@]}" crun --root "$crun_root" "${crun_flags[@]}" \
	run --bundle "$work/b-true" "$id_crun-p{i}"

# exec into a running container, and what the launcher costs beside it
declare -A exec_ms mem_pss
id_ward=ward-bench-ward-$$
if [ "$have_hyperfine" -eq 1 ] && [ -d "$work/b-sleep" ]; then
	if "$ward" --root "$ward_root" create --bundle "$work/b-sleep" "$id_ward" >/dev/null 2>&1 &&
		"$ward" --root "$ward_root" start "$id_ward" >/dev/null 2>&1; then
		"${hf[@]}" --export-json "$work/ex-ward.json" -n ward \
			"$ward --root $ward_root exec $id_ward /usr/bin/ward-testhelper true" >/dev/null 2>&1 || true
		"$ward" --root "$ward_root" delete --force "$id_ward" >/dev/null 2>&1 || true
	else
		skipped+=("ward exec: create/start of a bundle failed")
	fi
	if [ "$have_runc" -eq 1 ] && runc --root "$runc_root" run -d --bundle "$work/b-sleep" "$id_runc-x" \
		</dev/null >/dev/null 2>&1; then
		"${hf[@]}" --export-json "$work/ex-runc.json" -n runc \
			"runc --root $runc_root exec $id_runc-x /usr/bin/ward-testhelper true" >/dev/null 2>&1 || true
		runc --root "$runc_root" delete -f "$id_runc-x" >/dev/null 2>&1 || true
	fi
	if [ "$have_crun" -eq 1 ]; then
		# crun's state lives in its private mount namespace: one shell does it all
		crun_ns sh -c "crun --root $crun_root ${crun_flags[*]} run -d --bundle $work/b-sleep $id_crun-x \
			</dev/null >/dev/null 2>&1 && ${hf[*]} --export-json $work/ex-crun.json -n crun \
			'crun --root $crun_root ${crun_flags[*]} exec $id_crun-x /usr/bin/ward-testhelper true' \
			>/dev/null 2>&1; crun --root $crun_root ${crun_flags[*]} delete -f $id_crun-x >/dev/null 2>&1" ||
			true
	fi
	for f in "$work"/ex-*.json; do
		[ -f "$f" ] || continue
		while read -r name med; do
			exec_ms[$name]=$(awk -v s="$med" 'BEGIN { printf "%.2f", s * 1000 }')
		done < <(jq -r '.results[] | "\(.command) \(.median)"' "$f")
	done
fi

# The launcher's own memory while its container runs in the foreground: the PSS of
# every process of the launcher's name (the container runs ward-testhelper).
launcher_pss() { # NAME PATTERN COMMAND...
	local name=$1 pat=$2 pid total=0 p
	shift 2
	"$@" >/dev/null 2>&1 </dev/null &
	pid=$!
	sleep 1.5
	for p in $(pgrep -f -- "$pat" || true); do
		[ "$p" = "$$" ] && continue
		v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
		total=$((total + ${v:-0}))
	done
	mem_pss[$name]=$total
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}
WARD_CACHE_DIR=$warm launcher_pss ward "^$ward --root $ward_root run" "$ward" --root "$ward_root" run "$rootfs" /usr/bin/ward-testhelper sleep 5
[ "$have_runc" -eq 0 ] || launcher_pss runc "^runc --root $runc_root run" \
	runc --root "$runc_root" run --bundle "$work/b-sleep" "$id_runc-m"
runc --root "$runc_root" delete -f "$id_runc-m" >/dev/null 2>&1 || true
[ "$have_crun" -eq 0 ] || launcher_pss crun "^crun --root $crun_root" \
	"${crun_wrap[@]}" crun --root "$crun_root" "${crun_flags[@]}" run --bundle "$work/b-sleep" "$id_crun-m"

# A syscall-heavy loop (dd: 2 syscalls a byte) under ward's filter, runc's, and none
declare -A loop_ms loop_cpu
loop_args='["/bin/dd","if=/dev/zero","of=/dev/null","bs=1","count=1000000"]'
if [ "$have_hyperfine" -eq 1 ]; then
	loop_cmd="$wardr run $rootfs /bin/dd if=/dev/zero of=/dev/null bs=1 count=1000000"
	loop_none="$wardr run --security-opt seccomp=unconfined $rootfs /bin/dd if=/dev/zero of=/dev/null bs=1 count=1000000"
	hf_loop=(hyperfine --style none -N --runs "$((runs / 4 + 2))" --warmup 1)
	WARD_CACHE_DIR=$warm "${hf_loop[@]}" --export-json "$work/loop-ward.json" \
		-n ward "$loop_cmd" -n none "$loop_none" >/dev/null 2>&1 || true
	if [ "$have_runc" -eq 1 ]; then
		make_bundle "$work/b-loop" "$loop_args"
		"${hf_loop[@]}" --export-json "$work/loop-runc.json" -n runc \
			"runc --root $runc_root run --bundle $work/b-loop $id_runc-l" >/dev/null 2>&1 || true
	fi
	for f in "$work"/loop-*.json; do
		[ -f "$f" ] || continue
		# CPU time (user + system, the container's included: each launcher waits for it)
		# is steadier than the wall time on a shared machine
		while read -r name med cpu; do
			loop_ms[$name]=$(awk -v s="$med" 'BEGIN { printf "%.1f", s * 1000 }')
			loop_cpu[$name]=$(awk -v s="$cpu" 'BEGIN { printf "%.1f", s * 1000 }')
		done < <(jq -r '.results[] | "\(.command) \(.median) \(.user + .system)"' "$f")
	done
fi

# Recording (ward seccomp record) against strace -f -c on the same syscall-heavy loop,
# smaller (a recorded call is a round trip to ward); then the loop under the profile
# it recorded. podman's oci-seccomp-bpf-hook needs bcc and kernel headers at run time,
# which this machine lacks: reported as such.
declare -A rec_ms
rec_n=100000
rec_dd="/bin/dd if=/dev/zero of=/dev/null bs=1 count=$rec_n"
if [ "$have_hyperfine" -eq 1 ]; then
	"$ward" seccomp record -o "$work/dd.json" "$rootfs" $rec_dd >/dev/null 2>&1 || true
	hf_rec=(hyperfine --style none -N --runs "$((runs / 4 + 2))" --warmup 1)
	rec_cmds=(-n none "$wardr run --security-opt seccomp=unconfined $rootfs $rec_dd"
		-n record "$ward seccomp record -o $work/dd-again.json $rootfs $rec_dd")
	[ ! -s "$work/dd.json" ] || rec_cmds+=(-n recorded
		"$wardr run --security-opt seccomp=$work/dd.json $rootfs $rec_dd")
	if command -v strace >/dev/null 2>&1; then
		rec_cmds+=(-n strace "strace -f -c -o /dev/null $wardr run --security-opt seccomp=unconfined $rootfs $rec_dd")
	else
		skipped+=("strace -f -c: strace is not installed")
	fi
	WARD_CACHE_DIR=$warm "${hf_rec[@]}" --export-json "$work/rec.json" "${rec_cmds[@]}" \
		>/dev/null 2>&1 || true
	if [ -f "$work/rec.json" ]; then
		while read -r name med; do
			rec_ms[$name]=$(awk -v s="$med" 'BEGIN { printf "%.1f", s * 1000 }')
		done < <(jq -r '.results[] | "\(.command) \(.median)"' "$work/rec.json")
	fi
	rec_names=$(jq -r '[.syscalls[].names | length] | add' "$work/dd.json" 2>/dev/null || echo "?")
fi
skipped+=("oci-seccomp-bpf-hook: needs bcc and the kernel's headers at run time, which this machine has not")

# ---- report ---------------------------------------------------------------------------------

v() { echo "${1:-n/a}"; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
report() {
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`scripts/bench.sh$([ "$quick" -eq 0 ] || echo ' --quick')\`"
	echo "on $(nproc) CPUs ($cpu), kernel $(uname -r);"
	echo "$("$ward" --version 2>/dev/null | head -n1) (\`$ward\`), $(runc --version 2>/dev/null | head -n1 || echo 'no runc'),"
	echo "$(crun --version 2>/dev/null | head -n1 || echo 'no crun'), $(hyperfine --version 2>/dev/null || echo 'no hyperfine')."
	echo
	echo "### Seccomp filter: BPF instructions executed per allowed syscall"
	echo
	echo "Profile: $profile_name, x86_64, Docker's default capabilities; every named"
	echo "x86_64 syscall with zero arguments, run through ward's BPF interpreter."
	echo "runc and crun: the filter their container really had, read back with \`ward seccomp dump\`."
	echo
	echo "| filter | mean | worst | program length | ward/this (mean) | ward/this (worst) |"
	echo "|---|---|---|---|---|---|"
	local n
	for n in ward ward-builtin runc crun; do
		[ -n "${mean[$n]:-}" ] || continue
		echo "| $n | ${mean[$n]} | ${worst[$n]} | ${len[$n]} | $(ratio "${mean[ward]}" "${mean[$n]}") | $(ratio "${worst[ward]}" "${worst[$n]}") |"
	done
	echo
	echo "### Start-up: \`ward-testhelper true\` in the same rootfs, default seccomp profile"
	echo
	echo "hyperfine, $runs runs after $warmup warm-up runs, median wall time."
	echo
	echo "| command | median (ms) | ward (warm)/this |"
	echo "|---|---|---|"
	for n in floor ward ward-hostrun ward-limits ward-cold ward-cold-nodir ward-64 ward-64-cold runc crun; do
		[ -n "${median[$n]:-}" ] || continue
		echo "| $n | ${median[$n]} | $(ratio "${median[ward]:-}" "${median[$n]}") |"
	done
	echo
	echo "Paired: the floor, a warm ward, a cold one, and the 64-name profile warm and cold,"
	echo "alternated $pairs times each (wall time from bash's \$EPOCHREALTIME around each run, a"
	echo "cold run's cache emptied before its clock starts, so a drift of the machine's speed"
	echo "hits all alike): floor ${paired_floor:-n/a} ms, ward ${paired_ward:-n/a}, ward-cold"
	echo "${paired_cold:-n/a}, ward-64 ${paired_64:-n/a}, ward-64-cold ${paired_64cold:-n/a}$([ -z "$hostrun_cmd" ] || echo ", ward-hostrun ${paired_hostrun:-n/a}") (medians)."
	echo
	echo "Targets (issue 19), from the paired medians of this run (hyperfine's in brackets):"
	echo "ward warm/floor $(ratio "${paired_ward:-}" "${paired_floor:-}") (1.2) [$(ratio "${median[ward]:-}" "${median[floor]:-}")];"
	echo "ward cold/warm $(ratio "${paired_cold:-}" "${paired_ward:-}") (1.2) [$(ratio "${median[ward-cold]:-}" "${median[ward]:-}")];"
	echo "custom 64-name profile cold/warm $(ratio "${paired_64cold:-}" "${paired_64:-}") (1.5) [$(ratio "${median[ward-64-cold]:-}" "${median[ward-64]:-}")]."
	[ -z "$hostrun_cmd" ] || echo "With its state on this host's /run ($host_run, not a tmpfs): ward-hostrun/floor $(ratio "${paired_hostrun:-}" "${paired_floor:-}") [$(ratio "${median[ward-hostrun]:-}" "${median[floor]:-}")]."
	echo
	echo "- floor: \`unshare --mount --pid --uts --ipc --net --cgroup --fork chroot ROOTFS ...\`"
	echo "- every launcher keeps its state (\`--root\`) on a tmpfs, as /run is on Debian, Ubuntu and GitHub's runners"
	[ -z "$hostrun_cmd" ] || echo "- ward-hostrun: ward warm with its default state directory, /run/ward, on this host's /run ($host_run$(findmnt -no OPTIONS --target /run 2>/dev/null | grep -qw discard && echo ', mounted with discard')): the record's directory is made and removed there every run"
	echo "- ward: warm filter cache (WARD_CACHE_DIR kept); ward-cold: the cache directory emptied before each run (the default profile comes precompiled with ward); ward-cold-nodir: the cache directory removed before each run"
	echo "- ward-64, ward-64-cold: a custom profile allowing 64 syscall names on Docker's three ABIs, warm and with the cache emptied (compiled every run)"
	echo "- ward-limits: warm cache, with cgroup limits \`$limits\` (cgroup$([ "$crun_hybrid" -eq 0 ] || echo ' hybrid: v1 controllers plus the v2 hierarchy'))"
	echo "- runc, crun (no limits): \`run\` of a bundle on the same rootfs with the same namespaces and profile, in the foreground"
	[ "$crun_hybrid" -eq 0 ] || echo "- crun: hybrid cgroup host, so crun ran under \`unshare -m\` with /sys/fs/cgroup/unified bind-mounted over /sys/fs/cgroup and \`--cgroup-manager=disabled\` (no cgroup set-up: this flatters crun)"
	echo
	echo "### Large profiles: N allowed \`ioctl\` requests (arg 1 == value), Docker's three ABIs"
	echo
	echo "Compile: \`ward seccomp export --format bpf\`, median of 5 (process start-up included;"
	echo "the 10-value profile takes ${floor_export:-n/a} ms). Path: BPF instructions an allowed ioctl executes,"
	echo "every filter of a stack counted (ward's interpreter)."
	echo
	echo "| values | compile (ms) | program (instructions) | filters | allowed ioctl: mean | worst |"
	echo "|---|---|---|---|---|---|"
	for n in 10 100 1000 4000; do
		echo "| $n | ${vs_ms[$n]:-n/a} | ${vs_len[$n]:-n/a} | ${vs_parts[$n]:-n/a} | ${vs_mean[$n]:-n/a} | ${vs_worst[$n]:-n/a} |"
	done
	echo
	echo "Seccomp action cache, $profile_name: ${cache_line:-n/a}."
	echo
	echo "### Many containers, exec, memory"
	echo
	echo "50 containers (\`ward-testhelper true\`) started at once, warm cache; wall time for all"
	echo "and the slowest single start (ms):"
	echo
	echo "| launcher | all 50 (ms) | slowest (ms) | succeeded |"
	echo "|---|---|---|---|"
	for n in ward runc crun; do
		[ -n "${par_wall[$n]:-}" ] || continue
		echo "| $n | ${par_wall[$n]} | ${par_slow[$n]:-n/a} | ${par_ok[$n]}/50 |"
	done
	echo
	echo "\`exec\` of \`ward-testhelper true\` into a running container (hyperfine median, ms), and"
	echo "what the launcher itself costs while a container runs in the foreground (PSS of its"
	echo "processes, KiB; a detached container keeps no launcher process under any of the three):"
	echo
	echo "| launcher | exec (ms) | launcher PSS (KiB) |"
	echo "|---|---|---|"
	for n in ward runc crun; do
		echo "| $n | ${exec_ms[$n]:-n/a} | ${mem_pss[$n]:-n/a} |"
	done
	echo
	echo "A syscall-heavy loop: \`dd if=/dev/zero of=/dev/null bs=1 count=1000000\` (2,000,000"
	echo "read/write calls), whole run including start-up: median wall time and mean CPU time"
	echo "(user + system, the container's included; steadier on a shared machine), and the"
	echo "filter's cost per call from the CPU time against none:"
	echo
	echo "| filter | median (ms) | CPU (ms) | ns a call over none |"
	echo "|---|---|---|---|"
	for n in none ward runc; do
		echo "| $n | ${loop_ms[$n]:-n/a} | ${loop_cpu[$n]:-n/a} | $(awk -v a="${loop_cpu[$n]:-}" -v b="${loop_cpu[none]:-}" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%.0f", (a - b) * 1e6 / 2000000 }') |"
	done
	echo
	echo "Recording: \`dd bs=1 count=$rec_n\` ($((rec_n * 2)) read/write calls) unconfined, under"
	echo "\`ward seccomp record\`, under \`strace -f -c\`, and enforced with the profile record"
	echo "wrote (${rec_names:-?} names), whole run, median (ms):"
	echo
	echo "| run | median (ms) | this/none |"
	echo "|---|---|---|"
	for n in none record strace recorded; do
		echo "| $n | ${rec_ms[$n]:-n/a} | $(ratio "${rec_ms[$n]:-}" "${rec_ms[none]:-}") |"
	done
	echo
	echo "### Peak RSS of the launcher (GNU time %M, largest of 3 runs, KiB)"
	echo
	echo "| launcher | peak RSS (KiB) | ward/this |"
	echo "|---|---|---|"
	for n in ward runc crun; do
		[ -n "${rss[$n]:-}" ] || continue
		echo "| $n | ${rss[$n]} | $(ratio "${rss[ward]:-}" "${rss[$n]}") |"
	done
	echo
	if [ "$chart" -eq 1 ]; then
		echo "![Start-up medians and BPF instructions per allowed syscall](benchmarks.png)"
		echo
	fi
	if [ "${#skipped[@]}" -gt 0 ]; then
		echo "Skipped:"
		for n in "${skipped[@]}"; do echo "- $n"; done
	else
		echo "Nothing was skipped."
	fi
}

# ---- (d) chart ---------------------------------------------------------------------------------

chart=0
if [ "$have_gnuplot" -eq 1 ]; then
	: >"$work/startup.dat"
	for n in floor ward ward-limits ward-cold ward-64-cold crun runc; do
		[ -z "${median[$n]:-}" ] || echo "$n ${median[$n]}" >>"$work/startup.dat"
	done
	: >"$work/bpf.dat"
	for n in ward runc crun; do
		[ -z "${mean[$n]:-}" ] || echo "$n ${mean[$n]} ${worst[$n]}" >>"$work/bpf.dat"
	done
	sub="$(date -u '+%Y-%m-%d'), $(nproc) CPUs, kernel $(uname -r)"
	if [ ! -s "$work/startup.dat" ]; then
		note "WARNING: no start-up figures: no chart"
		skipped+=("chart: no start-up figures, docs/benchmarks.png NOT refreshed")
	elif gnuplot -e "startup='$work/startup.dat'; bpf='$work/bpf.dat'; out='$work/chart.png'; subtitle='$sub'" \
		"$root/docs/plot.gp" 2>"$work/gnuplot.err"; then
		chart=1
	else
		note "WARNING: gnuplot failed: $(head -n3 "$work/gnuplot.err")"
		skipped+=("chart: gnuplot failed, docs/benchmarks.png NOT refreshed")
	fi
fi

out=$(report)
echo "$out"
if [ "$write" -eq 1 ]; then
	doc=$root/docs/benchmarks.md
	begin='<!-- bench:begin (written by scripts/bench.sh; edit outside the markers) -->'
	end='<!-- bench:end -->'
	if [ ! -f "$doc" ] || ! grep -qF "$begin" "$doc"; then
		# shellcheck disable=SC2016 # the backquotes are Markdown
		printf '# Benchmarks\n\nRun `scripts/bench.sh` (as root; `--quick` for fewer runs) to refresh the\nsection below.\n\n%s\n%s\n' \
			"$begin" "$end" >"$doc"
	fi
	printf '%s\n' "$out" >"$work/report.md"
	awk -v b="$begin" -v e="$end" -v f="$work/report.md" '
		$0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$doc" >"$work/doc.new"
	cat "$work/doc.new" >"$doc"
	note "wrote $doc"
	if [ "$chart" -eq 1 ]; then
		cp "$work/chart.png" "$root/docs/benchmarks.png"
		note "wrote $root/docs/benchmarks.png"
	fi
fi

# SPDX-License-Identifier: GPL-2.0-or-later
# docs/benchmarks.png from the data scripts/bench.sh writes; run by bench.sh as
#   gnuplot -e "startup='S.dat'; bpf='B.dat'; out='X.png'; subtitle='...'" docs/plot.gp
# S.dat: "label median_ms" per line; B.dat: "filter mean worst" per line.
set terminal pngcairo size 1200,520 font "DejaVu Sans,11"
set output out
set multiplot layout 1,2 title "ward vs runc vs crun — " . subtitle font ",12"

set style fill solid 0.85 border -1
set boxwidth 0.7
set grid ytics lc rgb "#dddddd"
set border 3
set xtics nomirror scale 0 rotate by -25
set ytics nomirror
unset key

set title "Start-up: median wall time (ms, lower is better)"
set ylabel "ms"
set yrange [0:*]
set offsets 0, 0, graph 0.12, 0
plot startup using 0:2:(($0 < 1) ? 0x999999 : (strstrt(strcol(1), "ward") ? 0x2e7d32 : 0xc62828)):xtic(1) \
	with boxes lc rgb variable, \
     '' using 0:2:(sprintf("%.1f", $2)) with labels offset 0,0.8 font ",10"

set title "Seccomp: BPF instructions per allowed syscall (log scale)"
set ylabel "instructions"
set logscale y
set yrange [1:*]
set offsets 0, 0, 0, 0
set key top left
set style data histograms
set style histogram clustered gap 1
set boxwidth 0.9
set xtics rotate by 0
plot bpf using 2:xtic(1) title "mean" lc rgb "#1565c0", \
     '' using 3 title "worst" lc rgb "#90a4ae", \
     '' using ($0 - 0.15):2:(sprintf("%.1f", $2)) with labels offset 0,0.8 font ",10" notitle, \
     '' using ($0 + 0.15):3:(sprintf("%d", $3)) with labels offset 0,0.8 font ",10" notitle
unset multiplot

#!/bin/bash
# Same-JVM A/B of two builds of the Lee example (see LeeAB.java).
# usage: benchmarks/tools/lee-ab/run.sh JAR_A JAR_B [BOARD] [ROUNDS] [THREADS]
#   JAR_A, JAR_B: shaded stm-examples jars (stm-examples/target/stm-examples.jar of two commits)
# Runs A-then-B and B-then-A, each in a fresh JVM, and prints both geometric means.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
a=$1; b=$2
board=${3:-$here/../../../../shared/lee-boards/mainboard.txt}
rounds=${4:-10}; threads=${5:-1}
out=$(mktemp -d)
javac -d "$out" -cp "$a" "$here/LeeRun.java"
javac -d "$out" "$here/LeeAB.java"
for order in "$a $b" "$b $a"; do
  set -- $order
  echo "A=$1 B=$2"
  java -Xms3g -Xmx3g -Dleeab.classes="$out" -cp "$out" LeeAB "$board" "$rounds" "$threads" "$1" jstm "$2" jstm | tail -1
done

#!/usr/bin/env bash
# The headline benchmark run: jstm beside ScalaSTM, Multiverse, Clojure refs and
# the lock baselines, every workload at 1 and 2 threads, in one JMH run.
#
#   benchmarks/run-headline.sh            build (stm-core + benchmarks), run, chart
#   SKIP_BUILD=1 benchmarks/run-headline.sh   reuse benchmarks/target/benchmarks.jar
#
# 74 trials of 8 s plus fork start-up and checks: an estimated 12 minutes on
# the project's 2-core machine. Run it when nothing else is running. LeeBench
# (Lee-TM routing, minutes on its own) is not part of it; benchmarks/README.md
# gives its command. Writes, under benchmarks/:
#   target/results.json   JMH's JSON (every score, error, abort and gc counter)
#   target/results.log    JMH's console output
#   target/results.md     the markdown tables (peer x workload x threads, ratios to jstm)
#   target/footprint.md   JOL bytes per ref (jstm and peers)
#   results.png           the bar chart
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # -am builds the stm-core (and stm-examples) of this checkout, so the numbers are for this code.
  mvn -B -q -pl benchmarks -am package -DskipTests
fi

JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target

# One fork per trial; 3 x 1 s warm-up, 5 x 1 s measurement; -prof gc adds
# gc.alloc.rate.norm (bytes allocated per operation) to every result.
java -jar "$JAR" \
  -f 1 -wi 3 -w 1s -i 5 -r 1s \
  -prof gc \
  -rf json -rff "$OUT/results.json" \
  'io\.jstm\.bench\..*Bench\.t[12]$' 2>&1 | tee "$OUT/results.log"

java -cp "$JAR" io.jstm.bench.Chart "$OUT/results.json" benchmarks/results.png "$OUT/results.md"
java -Djdk.attach.allowAttachSelf=true -cp "$JAR" io.jstm.bench.RefFootprint > "$OUT/footprint.md"
sed -n '/^| ref/,/^$/p' "$OUT/footprint.md"

# A trial that failed its result check (or crashed) has no row in the JSON;
# list those. Skipped trials (unsynchronized plain code at 2 threads)
# are expected and only reported.
failures=$(awk '
  /^# Benchmark: /  { bench = $3 }
  /^# Parameters: / { params = $0; sub(/^# Parameters: /, "", params) }
  /<failure>/       { getline; while ($0 == "") getline; print bench " " params ": " $0 }
' "$OUT/results.log")
skipped=$(printf '%s\n' "$failures" | grep 'SkipTrial' || true)
broken=$(printf '%s\n' "$failures" | grep -v 'SkipTrial' | grep . || true)
if [ -n "$skipped" ]; then
  echo; echo "Skipped trials:"; printf '%s\n' "$skipped" | sed 's/io\.jstm\.bench\.Impls\$SkipTrial: /  /'
fi
if [ -n "$broken" ]; then
  echo; echo "FAILED trials (no number was posted for them):"; printf '  %s\n' "$broken"
  exit 1
fi

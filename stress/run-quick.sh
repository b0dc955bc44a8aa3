#!/usr/bin/env bash
# Bounded jcstress run of the jstm correctness suite, for CI and for a quick
# local check. Run from the repository root after building the runner jar:
#
#   mvn -B -pl stress -am package -DskipTests
#   bash stress/run-quick.sh              # every io.jstm.stress test except the control package
#   bash stress/run-quick.sh --control    # only the control tests: succeeds only if jcstress flags them
#
# Exit status: 0 when the run is clean (default mode) or when every control
# test was flagged (--control); non-zero otherwise. jcstress's own exit status
# is not enough: a run that prints "FATAL: No matching tests." exits 0, and a
# test that needs more CPUs than the machine has is skipped without a word.
# So this script also reads the output and the per-test HTML reports.
#
# Environment:
#   STRESS_OPTS     jcstress options that bound the run
#                   (default: "-m quick -sc false -strideCount 4", a few minutes on 2 cores)
#   STRESS_TIMEOUT  wall-clock limit in seconds for the whole jcstress run (default 1200);
#                   hitting it (an engine deadlock, a lost wake-up that escaped its bound) fails the run
#   JAVA            the java launcher (default: $JAVA_HOME/bin/java if JAVA_HOME is set, else java)
#
# Output: stress/target/jcstress-quick.log (or jcstress-control.log) and the
# HTML report under stress/target/jcstress-results/ (or jcstress-control-results/).

set -uo pipefail

mode=quick
case "${1:-}" in
  "") ;;
  --control) mode=control ;;
  -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
  *) echo "run-quick.sh: unknown argument '$1' (expected nothing or --control)" >&2; exit 2 ;;
esac

target_dir="$(pwd)/stress/target"
jar="$target_dir/jcstress.jar"
if [[ ! -f "$jar" ]]; then
  echo "run-quick.sh: $jar not found; run from the repository root after" \
       "'mvn -B -pl stress -am package -DskipTests'" >&2
  exit 2
fi

if [[ -n "${JAVA:-}" ]]; then
  java_cmd="$JAVA"
elif [[ -n "${JAVA_HOME:-}" ]]; then
  java_cmd="$JAVA_HOME/bin/java"
else
  java_cmd=java
fi

# jcstress matches -t with find(), so these select by prefix. The default
# regex skips the control package with a negative lookahead.
if [[ $mode == control ]]; then
  regex='io\.jstm\.stress\.control\.'
  log="$target_dir/jcstress-control.log"
  results="$target_dir/jcstress-control-results"
else
  regex='io\.jstm\.stress\.(?!control\.)'
  log="$target_dir/jcstress-quick.log"
  results="$target_dir/jcstress-results"
fi
# The same selection as a filter over test names (grep has no lookahead).
in_selection() {
  if [[ $mode == control ]]; then
    grep -E '^io\.jstm\.stress\.control\.'
  else
    grep -E '^io\.jstm\.stress\.' | grep -Ev '^io\.jstm\.stress\.control\.'
  fi
}
read -r -a opts <<< "${STRESS_OPTS:--m quick -sc false -strideCount 4}"
timeout_s="${STRESS_TIMEOUT:-1200}"

# jcstress drops a result blob (jcstress-results-*.bin.gz) in the working
# directory; run it from target/ so the blob never lands in the work tree.
cd "$target_dir" || exit 2

# The tests the selection should run, as jcstress lists them.
mapfile -t expected < <("$java_cmd" -jar "$jar" -l -t "$regex" 2>&1 | in_selection | sort)
if [[ ${#expected[@]} -eq 0 ]]; then
  echo "run-quick.sh: FAILED: no test in $jar matches -t '$regex'" >&2
  exit 1
fi

rm -rf "$results"
echo "run-quick.sh: $mode run of ${#expected[@]} test(s): $java_cmd -jar $jar -t '$regex' ${opts[*]} -r $results" | tee "$log"
start=$SECONDS
timeout --kill-after=30 "$timeout_s" "$java_cmd" -jar "$jar" -t "$regex" "${opts[@]}" -r "$results" 2>&1 | tee -a "$log"
status=${PIPESTATUS[0]}
elapsed=$((SECONDS - start))

problems=()
note() { problems+=("$1"); }

if [[ $status -eq 124 || $status -eq 137 ]]; then
  note "the run did not finish within ${timeout_s}s (a test hung?)"
fi
if grep -q 'FATAL' "$log"; then
  note "jcstress printed FATAL: $(grep -m1 'FATAL' "$log")"
fi
if ! grep -q '^RUN RESULTS:' "$log"; then
  note "jcstress printed no RUN RESULTS section (it stopped early)"
fi

# The last progress line: "(Results: N planned; P passed, F failed, S soft errs, H hard errs)".
progress=$(grep -E '^\(Results: [0-9]+ planned;' "$log" | tail -n 1)
read -r planned passed failed soft hard < <(sed -E \
  's/^\(Results: ([0-9]+) planned; ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) soft errs, ([0-9]+) hard errs\)$/\1 \2 \3 \4 \5/' \
  <<< "${progress:-0 0 0 0 0}")

# Tests that actually ran: one HTML page each in the report directory.
mapfile -t ran < <(find "$results" -maxdepth 1 -name 'io.jstm.stress.*.html' -printf '%f\n' 2>/dev/null \
  | sed 's/\.html$//' | in_selection | sort)
missing=$(comm -23 <(printf '%s\n' "${expected[@]}") <(printf '%s\n' "${ran[@]}"))

# Tests jcstress graded FAILED (a forbidden outcome) or ERROR (an exception, a crashed VM).
mapfile -t flagged < <(sed -n '/^RUN RESULTS:/,$p' "$log" | grep -E '\[FAILED\]' \
  | sed -E 's/.*\[FAILED\] +//' | sort -u)
mapfile -t errored < <(sed -n '/^RUN RESULTS:/,$p' "$log" | grep -E '\[ERROR\]' \
  | sed -E 's/.*\[ERROR\] +//' | sort -u)

echo
echo "=== run-quick.sh summary ($mode, ${elapsed}s) ==="
echo "tests selected: ${#expected[@]}, tests with a report: ${#ran[@]}"
echo "configurations: ${planned:-0} planned, ${passed:-0} passed, ${failed:-0} failed, ${soft:-0} soft errors, ${hard:-0} hard errors"
[[ ${#flagged[@]} -gt 0 ]] && printf 'FAILED (forbidden outcome): %s\n' "${flagged[@]}"
[[ ${#errored[@]} -gt 0 ]] && printf 'ERROR: %s\n' "${errored[@]}"

if [[ ${#ran[@]} -eq 0 ]]; then
  note "no test ran"
fi
if [[ -n "$missing" ]]; then
  note "selected but not run (needs more CPUs than this machine has?): $(tr '\n' ' ' <<< "$missing")"
fi
if [[ ${#errored[@]} -gt 0 || ${hard:-0} -ne 0 || ${soft:-0} -ne 0 ]]; then
  note "jcstress reported errors (${hard:-0} hard, ${soft:-0} soft): ${errored[*]:-see the log}"
fi

if [[ $mode == control ]]; then
  # The control tests must every one be graded FAILED on a forbidden outcome.
  unflagged=$(comm -23 <(printf '%s\n' "${expected[@]}") <(printf '%s\n' "${flagged[@]}"))
  if [[ -n "$unflagged" ]]; then
    note "control test(s) NOT flagged by jcstress: $(tr '\n' ' ' <<< "$unflagged")"
  fi
  if ! grep -q 'Observed forbidden state' "$log"; then
    note "jcstress did not report an observed forbidden state"
  fi
  if [[ $status -eq 0 ]]; then
    note "jcstress exited 0 although the control must fail"
  fi
else
  if [[ ${#flagged[@]} -gt 0 || ${failed:-0} -ne 0 ]] || grep -q 'Observed forbidden state' "$log"; then
    note "forbidden outcome(s) observed: ${flagged[*]:-see the log}"
  fi
  if [[ $status -ne 0 && $status -ne 124 && $status -ne 137 ]]; then
    note "jcstress exited with status $status"
  fi
  if [[ -n "${planned:-}" && ${planned:-0} -ne ${passed:-0} ]]; then
    note "only ${passed:-0} of ${planned:-0} configurations passed"
  fi
fi

# Per-test tally for the closing line: a test fails if it was flagged, errored or never ran.
bad_tests=$(printf '%s\n' "${flagged[@]}" "${errored[@]}" $missing | grep . | sort -u | wc -l)
good_tests=$(( ${#expected[@]} - bad_tests ))
(( good_tests < 0 )) && good_tests=0

if [[ ${#problems[@]} -gt 0 ]]; then
  printf 'run-quick.sh: %s\n' "${problems[@]/#/FAILED: }" >&2
  echo "run-quick.sh: log: $log; report: $results/index.html" >&2
  if [[ $mode == quick ]]; then
    (( bad_tests == 0 )) && bad_tests=1 good_tests=$(( ${#expected[@]} - 1 )) # the run itself failed
    echo "jcstress: $good_tests passed, $bad_tests failed"
  fi
  exit 1
fi
echo "run-quick.sh: log: $log; report: $results/index.html"
if [[ $mode == control ]]; then
  echo "run-quick.sh: OK: jcstress flagged every control test (${#flagged[@]}): ${flagged[*]}"
else
  echo "run-quick.sh: OK: ${#ran[@]} tests, no forbidden outcome, no error"
  echo "jcstress: $good_tests passed, $bad_tests failed"
fi

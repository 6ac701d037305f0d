# Helpers for the kill-and-resume tests (sourced after ../lib.sh).
#
# kill_until_done ARGS...: runs `ferry run ARGS...` and SIGKILLs it at random
# moments (uniform 0.05-0.5 s after start), $KILLS times (default 20;
# FERRY_KILLS overrides), then lets the last attempt finish. Every attempt is
# the same command: the run notices its unfinished predecessor and resumes.
# Fails when the run finishes before it was killed $KILLS times, or when an
# attempt exits non-zero without being killed. KILL_COMMAND (default "run")
# names the ferry subcommand, e.g. KILL_COMMAND=rollback. KILL_PROGRESS_CHECK,
# when set, is a shell command that succeeds once the work has committed
# progress: one more attempt is then killed only after it succeeds (so the
# final attempt surely resumes, however slow a loaded machine starts it).
KILLS=${FERRY_KILLS:-20}
KILL_SEED=${FERRY_KILL_SEED:-$RANDOM}
echo "kill seed: $KILL_SEED (FERRY_KILL_SEED=$KILL_SEED reproduces the delays)"
kill_delays() {
  python3 -c "
import random, sys
r = random.Random(int(sys.argv[1]))
print(' '.join('%.3f' % r.uniform(0.05, 0.5) for _ in range(int(sys.argv[2]))))" "$KILL_SEED" "$KILLS"
}
kill_until_done() {
  local kills=0 delay pid rc
  for delay in $(kill_delays); do
    "$FERRY" "${KILL_COMMAND:-run}" -q "$@" > attempt.out 2> attempt.err &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2> /dev/null || true
    set +e; wait "$pid" 2> /dev/null; rc=$?; set -e
    # 137 = killed by SIGKILL; anything else means the attempt ended by itself.
    [ "$rc" = 137 ] || fail "the run ended by itself (exit $rc) after $kills kills; make it slower: $(cat attempt.err)"
    kills=$((kills + 1))
  done
  if [ -n "${KILL_PROGRESS_CHECK:-}" ]; then
    "$FERRY" "${KILL_COMMAND:-run}" -q "$@" > attempt.out 2> attempt.err &
    pid=$!
    local waited=0
    until eval "$KILL_PROGRESS_CHECK" > /dev/null 2>&1; do
      sleep 0.02
      waited=$((waited + 1))
      [ "$waited" -lt 3000 ] || fail "no progress after 60 s: $(cat attempt.err)"
    done
    kill -KILL "$pid" 2> /dev/null || true
    set +e; wait "$pid" 2> /dev/null; rc=$?; set -e
    [ "$rc" = 137 ] || fail "the run ended by itself (exit $rc) before the progress kill: $(cat attempt.err)"
    kills=$((kills + 1))
  fi
  set +e
  "$FERRY" "${KILL_COMMAND:-run}" "$@" > final.out 2> final.err
  rc=$?
  set -e
  [ "$rc" = 0 ] || fail "the final resume failed (exit $rc): $(cat final.err)"
  echo "killed $kills times, then the ${KILL_COMMAND:-run} completed"
}
# Slow enough that $KILLS random kills land before the end: small batches,
# a pause between batches, a checkpoint every 50 ms.
SLOW_RUN=(--batch-size 20 --throttle-ms 8 --commit-interval 0.05)

# Sourced by the GPU benchmarks (bench-lm.sh, bench-build-labels.sh).
# peak_mem LOG CMD...: runs CMD with stdout+stderr to LOG while nvidia-smi polls device memory
# every 100 ms; prints the peak above the idle baseline in GiB (includes the CUDA context).
peak_mem() {
  local base log=$1; shift
  base=$(nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1)
  ( while sleep 0.1; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits | head -1; done ) >"$log.mem" &
  local poll=$!
  "$@" >"$log" 2>&1 || { kill $poll; tail -20 "$log" >&2; return 1; }
  kill $poll; wait $poll 2>/dev/null || true
  sort -n "$log.mem" | tail -1 | awk -v b="$base" '{printf "%.1f", ($1 - b) / 1024}'
}

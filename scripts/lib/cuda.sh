# shellcheck shell=bash
# Sourced by ./q3tts and tools/bench/gpu: on a machine with an NVIDIA GPU, makes the CUDA 12 and
# cuDNN 9 runtime libraries that ONNX Runtime's CUDA provider loads (libcublasLt.so.12,
# libcublas.so.12, libcurand.so.10, libcudart.so.12, libcufft.so.11, libcudnn.so.9) visible to
# the JVM. Where the system lacks them they are installed once from PyPI's nvidia-*-cu12 wheels
# into a cache folder (about 3 GB) and put on LD_LIBRARY_PATH. Only the NVIDIA driver must be
# installed by hand. A machine without an NVIDIA GPU installs nothing.
#
# Q3TTS_CUDA_LIBS=off skips all of this; Q3TTS_CUDA_DIR moves the cache folder.

# Exact versions: CUDA 12.9 and cuDNN 9 are what ONNX Runtime 1.29's CUDA 12 build was made for.
Q3TTS_CUDA_WHEELS=(
  nvidia-cuda-runtime-cu12==12.9.79
  nvidia-cublas-cu12==12.9.3.13
  nvidia-curand-cu12==10.3.10.19
  nvidia-cufft-cu12==11.4.1.4
  nvidia-cuda-nvrtc-cu12==12.9.86
  nvidia-cudnn-cu12==9.27.0.42
)

q3tts_nvidia_gpu() {
  # The driver's proc entry, else nvidia-smi listing at least one GPU.
  [ -e /proc/driver/nvidia/version ] && return 0
  command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L 2>/dev/null | grep -q '^GPU'
}

q3tts_system_cuda_libs() {
  local lib
  for lib in libcublasLt.so.12 libcublas.so.12 libcurand.so.10 libcudart.so.12 libcudnn.so.9; do
    ldconfig -p 2>/dev/null | grep -q "$lib" || return 1
  done
}

q3tts_cuda_dir() {
  printf '%s\n' "${Q3TTS_CUDA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/q3tts/cuda12}"
}

q3tts_use_cuda() {
  case "${Q3TTS_CUDA_LIBS:-auto}" in off | no | 0 | false) return 0 ;; esac
  q3tts_nvidia_gpu || return 0
  if q3tts_system_cuda_libs; then
    echo "q3tts: NVIDIA GPU found; using the system's CUDA 12 and cuDNN 9 libraries" >&2
    return 0
  fi
  local dir stamp python tmp libpath d
  dir="$(q3tts_cuda_dir)"
  stamp="$dir/.q3tts-$(printf '%s\n' "${Q3TTS_CUDA_WHEELS[@]}" | cksum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ]; then
    python="$(command -v python3 || true)"
    if [ -z "$python" ] || ! "$python" -m pip --version >/dev/null 2>&1; then
      echo "q3tts: NVIDIA GPU found, but python3 with pip is missing, so the CUDA 12 and cuDNN 9 runtime" \
        "libraries cannot be installed; ONNX Runtime will run on the CPU (install python3-pip and start again)" >&2
      return 0
    fi
    echo "q3tts: NVIDIA GPU found; installing the CUDA 12 and cuDNN 9 runtime libraries into $dir (once, about 3 GB)" >&2
    tmp="$dir.partial"
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # --no-deps: the list is complete; --target: nothing touches any Python environment.
    if ! "$python" -m pip install --quiet --disable-pip-version-check --no-deps --target "$tmp" "${Q3TTS_CUDA_WHEELS[@]}"; then
      rm -rf "$tmp"
      echo "q3tts: installing the CUDA libraries failed; ONNX Runtime will run on the CPU" >&2
      return 0
    fi
    rm -rf "$dir"
    mv "$tmp" "$dir"
    touch "$stamp"
  fi
  libpath=""
  for d in "$dir"/nvidia/*/lib; do
    [ -d "$d" ] && libpath="$libpath$d:"
  done
  export LD_LIBRARY_PATH="$libpath${LD_LIBRARY_PATH:-}"
  echo "q3tts: NVIDIA GPU found; CUDA 12 and cuDNN 9 runtime libraries from $dir" >&2
}

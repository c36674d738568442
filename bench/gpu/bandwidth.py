# Device-to-device copy bandwidth of the GPU (the memory-bandwidth floor's denominator), with
# PyTorch as the image ships it: a 4 GiB buffer (many times the 60 MB L2) copied 20 times after 3
# warm-ups, timed with CUDA events; bytes counted read plus write. One JSON line on stdout.
import json

import torch

n_bytes = 4 * 1024**3
src = torch.empty(n_bytes // 2, dtype=torch.float16, device="cuda")
dst = torch.empty_like(src)
for _ in range(3):
    dst.copy_(src)
torch.cuda.synchronize()
start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
reps = 20
start.record()
for _ in range(reps):
    dst.copy_(src)
end.record()
torch.cuda.synchronize()
ms = start.elapsed_time(end) / reps
print(json.dumps({
    "device": torch.cuda.get_device_name(0),
    "bufferBytes": n_bytes,
    "msPerCopy": round(ms, 4),
    "copyTBps": round(2 * n_bytes / (ms / 1000) / 1e12, 3),
    "torch": torch.__version__,
}))

"""The W2 loss set in PyTorch float32 on the same arrays, for a speed comparison only.

Run by scripts/bench.mjs with /usr/bin/python3 when `import torch` works there (Debian's
python3-torch, or the CPU wheel: `python3 -m pip install --no-index --no-deps torch` where
pip has one offline); the bench never installs torch. Reads the ground truth .nii.gz (uint8,
vox_offset 352, as the bench writes it) and the logits .npy without numpy, then times the
default loss set of spec/losses.md computed the way a PyTorch training script would
(float32, whole-volume reductions, torch.sort for Lovász).

Usage: python3 torch_losses.py GT.nii.gz PRED.npy THREADS  -> one JSON line with
`seconds` (the losses alone), `load_seconds` (reading and inflating both files into
tensors) and `total_seconds` (both: PyTorch end to end, as segloss is timed; the
interpreter's start-up and `import torch` are not counted)
"""
import ast
import gzip
import json
import struct
import sys
import time

import torch
import torch.nn.functional as F


def read_gt(path):
    with gzip.open(path, 'rb') as f:
        b = f.read()
    offset = int(struct.unpack_from('<f', b, 108)[0])
    return torch.frombuffer(bytearray(b[offset:]), dtype=torch.uint8)


def read_npy(path):
    with open(path, 'rb') as f:
        b = f.read()
    (hlen,) = struct.unpack_from('<H', b, 8)
    header = ast.literal_eval(b[10:10 + hlen].decode('latin1'))
    if header['descr'] != '<f4' or header['fortran_order']:
        raise SystemExit('torch_losses.py expects little-endian float32 in C order')
    return torch.frombuffer(bytearray(b[10 + hlen:]), dtype=torch.float32)


def lovasz_grad(gt_sorted):
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.cumsum(0)
    union = gts + (1 - gt_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def losses(z, t, smooth=1.0, alpha=0.8, gamma=2.0, ta=0.5, tb=0.5, ftg=2.0, ca=0.5, cb=0.5):
    out = {}
    p = torch.sigmoid(z)
    sp, st, spt = p.sum(), t.sum(), (p * t).sum()
    bce_i = F.binary_cross_entropy_with_logits(z, t, reduction='none')
    bce = bce_i.mean()
    dsc = (2 * spt + smooth) / (sp + st + smooth)
    out['dice'] = 1 - dsc
    out['bce_dice'] = bce + out['dice']
    out['iou'] = 1 - (spt + smooth) / (sp + st - spt + smooth)
    out['focal'] = (alpha * (1 - torch.exp(-bce_i)) ** gamma * bce_i).mean()
    fp, fn = sp - spt, st - spt
    tv = (spt + smooth) / (spt + ta * fp + tb * fn + smooth)
    out['tversky'] = 1 - tv
    out['focal_tversky'] = torch.clamp(1 - tv, min=0) ** ftg
    # Lovász hinge: e = 1 - z (2t - 1), sorted descending.
    e = 1 - z * (2 * t - 1)
    e_sorted, perm = torch.sort(e, descending=True)
    out['lovasz_hinge'] = torch.dot(F.relu(e_sorted), lovasz_grad(t[perm]))
    # Lovász-softmax, binary: background 1 - p and foreground p, classes present in t.
    terms = []
    for fg, pc in ((1 - t, 1 - p), (t, p)):
        if fg.sum() > 0:
            err, perm = torch.sort((fg - pc).abs(), descending=True)
            terms.append(torch.dot(err, lovasz_grad(fg[perm])))
    out['lovasz_softmax'] = torch.stack(terms).mean()
    wbce = -(cb * t * F.logsigmoid(z) + (1 - cb) * (1 - t) * F.logsigmoid(-z)).mean()
    out['combo'] = ca * wbce - (1 - ca) * dsc
    return {k: float(v) for k, v in out.items()}


def main():
    gt_path, pred_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    torch.set_num_threads(threads)
    t_load = time.perf_counter()
    t = read_gt(gt_path).to(torch.float32)
    z = read_npy(pred_path)
    if t.numel() != z.numel():
        raise SystemExit(f'size mismatch: gt {t.numel()} vs pred {z.numel()}')
    t0 = time.perf_counter()
    values = losses(z, t)
    seconds = time.perf_counter() - t0
    load = t0 - t_load
    print(json.dumps({'seconds': seconds, 'load_seconds': load, 'total_seconds': load + seconds, 'threads': threads, 'torch': torch.__version__, 'losses': values}))


if __name__ == '__main__':
    main()

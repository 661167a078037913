"""Writes the small demo cases in fixtures/demo (committed; this documents how they were made).

Mixed formats on purpose: a PNG label map, .npy logits against a PNG, and a 4D NIfTI
softmax against a 3D NIfTI label map with anisotropic spacing. numpy only (no nibabel).
"""
import gzip, os, struct, zlib
import numpy as np

root = os.path.join(os.path.dirname(__file__), '..', 'fixtures', 'demo')
os.makedirs(os.path.join(root, 'gt'), exist_ok=True)
os.makedirs(os.path.join(root, 'pred'), exist_ok=True)
rng = np.random.default_rng(7)

def png_grey8(path, a):
    a = np.asarray(a, dtype=np.uint8)
    h, w = a.shape
    raw = b''.join(b'\x00' + a[y].tobytes() for y in range(h))
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 0, 0, 0, 0)) \
        + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(data)

def nifti(path, a, spacing, dtype_code):
    a = np.asarray(a)
    dims = [a.ndim] + list(a.shape) + [1] * (7 - a.ndim)
    hdr = bytearray(352)
    struct.pack_into('<i', hdr, 0, 348)
    struct.pack_into('<8h', hdr, 40, *dims)
    struct.pack_into('<hh', hdr, 70, dtype_code, a.dtype.itemsize * 8)
    struct.pack_into('<8f', hdr, 76, 1.0, *spacing, *([1.0] * (7 - len(spacing))))
    struct.pack_into('<f', hdr, 108, 352.0)
    struct.pack_into('<f', hdr, 112, 1.0)  # scl_slope
    hdr[344:348] = b'n+1\x00'
    body = bytes(hdr) + a.tobytes(order='F')
    open(path, 'wb').write(gzip.compress(body, 9) if path.endswith('.gz') else body)

yy, xx = np.mgrid[0:64, 0:64]
# case_a: a disc, predicted slightly shifted (binary label maps, 0/255 PNG as many tools write them)
gt_a = ((yy - 30) ** 2 + (xx - 32) ** 2 < 15 ** 2)
pr_a = ((yy - 33) ** 2 + (xx - 30) ** 2 < 14 ** 2)
png_grey8(os.path.join(root, 'gt', 'case_a.png'), gt_a * 255)
png_grey8(os.path.join(root, 'pred', 'case_a.png'), pr_a * 255)

# case_b: two classes in a PNG, the prediction as channels-first float32 logits (3, H, W)
gt_b = np.zeros((64, 64), np.uint8)
gt_b[(yy - 20) ** 2 + (xx - 20) ** 2 < 10 ** 2] = 1
gt_b[(yy - 44) ** 2 + (xx - 42) ** 2 < 12 ** 2] = 2
logits = rng.normal(0, 1.0, (3, 64, 64)).astype(np.float32)
for c in range(3):
    logits[c] += 4.0 * (gt_b == c)
png_grey8(os.path.join(root, 'gt', 'case_b.png'), gt_b)
np.save(os.path.join(root, 'pred', 'case_b.npy'), logits)

# case_c: 3D NIfTI (x, y, z) labels 0..2, spacing 0.8 × 0.8 × 2.5 mm; prediction 4D softmax
z, y, x = np.mgrid[0:16, 0:32, 0:32]
gt_c = np.zeros((32, 32, 16), np.uint8)  # (x, y, z)
X, Y, Z = x.transpose(2, 1, 0), y.transpose(2, 1, 0), z.transpose(2, 1, 0)
gt_c[((X - 12) * 0.8) ** 2 + ((Y - 14) * 0.8) ** 2 + ((Z - 8) * 2.5) ** 2 < 7 ** 2] = 1
gt_c[((X - 22) * 0.8) ** 2 + ((Y - 20) * 0.8) ** 2 + ((Z - 7) * 2.5) ** 2 < 5 ** 2] = 2
lg = rng.normal(0, 1.2, (32, 32, 16, 3))
for c in range(3):
    lg[..., c] += 3.5 * (gt_c == c)
prob = np.exp(lg) / np.exp(lg).sum(-1, keepdims=True)
nifti(os.path.join(root, 'gt', 'case_c.nii.gz'), gt_c, (0.8, 0.8, 2.5), 2)
nifti(os.path.join(root, 'pred', 'case_c.nii.gz'), prob.astype(np.float32), (0.8, 0.8, 2.5), 16)
print('wrote', root)

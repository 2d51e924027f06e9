"""Expected values of tfai's metrics on fixed inputs, computed with numpy by sklearn's and fastai's definitions
(sklearn is not installed here; each formula below is the one its docs give, written independently of tfai's code:
ROC AUC by counting pairs, not by ranks). Run: /usr/bin/python3 metrics_expected.py > metrics-expected.json"""
import json
import numpy as np

rng = np.random.default_rng(0)
n, c = 40, 3
logits = np.round(rng.normal(size=(n, c)), 3)
labels = rng.integers(0, c, size=n)
yreg = np.round(rng.normal(2.0, 1.5, size=n), 3)
preg = np.round(yreg + rng.normal(0, 0.7, size=n), 3)
# Binary scores with ties (rounded to 1 decimal) for ROC AUC.
bin_logit = np.round(rng.normal(size=n), 1)
bin_y = (rng.random(n) < 1 / (1 + np.exp(-2 * bin_logit))).astype(int)
# A language model's [B, T, V] logits and [B, T] targets for perplexity.
lm_logits = np.round(rng.normal(size=(2, 5, 7)), 3)
lm_y = rng.integers(0, 7, size=(2, 5))

pred = logits.argmax(-1)

def f1_for(cls, p, t):
    tp = np.sum((p == cls) & (t == cls)); fp = np.sum((p == cls) & (t != cls)); fn = np.sum((p != cls) & (t == cls))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)

bp = (np.stack([np.zeros(n), bin_logit], 1)).argmax(-1)  # 2-column logits [0, s]: class 1 when s > 0
pos, neg = bin_logit[bin_y == 1], bin_logit[bin_y == 0]
auc = np.mean([(1.0 if a > b else 0.5 if a == b else 0.0) for a in pos for b in neg])
top2 = np.mean([labels[i] in np.argsort(-logits[i])[:2] for i in range(n)])
lsm = lm_logits - lm_logits.max(-1, keepdims=True)
lsm = lsm - np.log(np.exp(lsm).sum(-1, keepdims=True))
ce = -np.mean(np.take_along_axis(lsm, lm_y[..., None], -1))
classes = sorted(set(labels.tolist()) | set(pred.tolist()))

out = {
    "inputs": {"logits": logits.tolist(), "labels": labels.tolist(), "yreg": yreg.tolist(), "preg": preg.tolist(),
               "binLogit": bin_logit.tolist(), "binY": bin_y.tolist(), "lmLogits": lm_logits.tolist(), "lmY": lm_y.tolist()},
    "expected": {
        "accuracy": float(np.mean(pred == labels)),
        "error_rate": float(1 - np.mean(pred == labels)),
        "top_k_accuracy_2": float(top2),
        "mae": float(np.mean(np.abs(preg - yreg))),
        "mse": float(np.mean((preg - yreg) ** 2)),
        "_rmse": float(np.sqrt(np.mean((preg - yreg) ** 2))),
        "r2_score": float(1 - np.sum((yreg - preg) ** 2) / np.sum((yreg - yreg.mean()) ** 2)),
        "f1_binary": float(f1_for(1, bp, bin_y)),
        "f1_macro": float(np.mean([f1_for(k, pred, labels) for k in classes])),
        "f1_micro": float(np.mean(pred == labels)),
        "roc_auc_score": float(auc),
        "perplexity": float(np.exp(ce)),
    },
}
print(json.dumps(out, indent=1))

"""Application pipelines of the seed paper's tasks beyond image classification (issue 18).

* :mod:`solvers.applications.pneumonia` -- PneumoniaMNIST: a derived cell retrained from
  scratch, the validation-chosen decision threshold, accuracy and ROC AUC, and the plain
  ResNet-18-style reference trained with the same budget.
* :mod:`solvers.applications.text_references` -- sentiment: the bag-of-words logistic
  regression and Kim's CNN-rand references, the cross-domain folds, the paired test.

Nothing here imports TensorFlow at import time of the package.
"""

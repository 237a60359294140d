# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of dbdev's documentation: `make htmldocs` builds it
# with the kernel-doc extension of a kernel source tree (DBDEV_KSRC, the
# cached linux-source-6.1), which pulls the API from the sources' comments.
import os
import sys

ksrc = os.environ['DBDEV_KSRC']
sys.path.insert(0, os.path.join(ksrc, 'Documentation', 'sphinx'))

project = 'dbdev'
copyright = 'The dbdev authors'
extensions = ['kerneldoc', 'rstFlatTable']
kerneldoc_bin = os.path.join(ksrc, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 '..'))
master_doc = 'index'
exclude_patterns = ['_build']
html_theme = 'alabaster'
highlight_language = 'none'

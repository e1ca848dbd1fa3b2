"""The course's publishing pipeline: ``python -m helpers.publish [-j N]`` (or ``make course``).

Notebooks never import this package; it is for the build, the tests and the
maintainer. Each notebook is executed once, in its own kernel, in parallel,
with the network blocked; every export (the page, the slide deck, the
student and instructor notebooks) reuses that execution. Results are cached
by a hash of everything that can change them, so a rebuild with no change
only checks hashes. The build is written to a temporary folder and swapped
in at the end: a failed or interrupted build never destroys the last good
one, and a notebook that fails keeps its previous pages (marked stale on the
home page) while the others are rebuilt. Source notebooks are only read.

The stages, one module each::

    execute.py    run notebooks in fresh kernels, offline, in parallel workers
    forkserver.py   each kernel forked warm (imports done once per worker)
    cache.py      keys, cache entries with file hashes, the lock, build/'s manifest
    views.py      student copy, page view, stable ids   } export: one execution,
    slides.py     the deck view, sized for a room        } four files
    export.py     nbconvert with the course's templates  }
    site.py       links, home page, data pages, the atomic swap into build/
    assets.py     course.js/course.css and reveal.js, shipped inside build/
    editions.py   the take-away zips (and Binder's pins)
    pipeline.py   build() and the command line, putting the stages together
    handouts.py   the print stage, after the build: decks as PDFs, contact sheets,
                  the close-reading printout (``make handouts``)

Beside them: ``browser.py`` (Debian's Chromium for tests and handouts),
``scaffold.py`` (a new notebook from the template). The editorial checks
(outputs, citations, acronyms, "now", source mix) are not part of publishing:
they are ``helpers.checks`` (``python -m helpers.checks``).

What ``build/`` holds::

    index.html                          the course home page
    html/NN-name.html                   the executed page (solutions folded)
    slides/NN-name.slides.html          the reveal.js deck (speaker notes: press S)
    slides/reveal.js/...                reveal.js itself, copied from node_modules
    assets/course.js, course.css        quizzes and explorers without a kernel
    data/*.html                         every data row, with its source
    notebooks/student/NN-name.ipynb     solutions removed, no outputs
    notebooks/instructor/NN-name.ipynb  complete and executed
    notebooks/course-notebooks-student.zip, ...-instructor.zip
    handouts/*.pdf, contact-sheets/*.png   written by the print stage (make handouts)

Everything works offline: nothing is loaded from the network at view time.
"""

from helpers.publish.common import BuildError, Result
from helpers.publish.pipeline import build, main, summary

__all__ = ["BuildError", "Result", "build", "main", "summary"]

"""Put what was rendered on disk and build the site.

output  the one writer: every generated file under content/ goes through it, never a hand-written one
links   the images published as they are: listed in content/ (links.json), hard-linked into the built site
site       MkDocs (strict) once per changed language into a marked temporary folder, exchanged with site/ in one step
temporary  the marked temporary folders; the detached remover of the previous site (the build returns at once)
workers    the languages' MkDocs builds in parallel forked processes, their logs and failures sent to the build
unchanged  which languages' part of site/ the last build still vouches for (nothing changed, nothing built)
tree       one walk of a folder (os.scandir, string paths): site/ and content/ on every build
searchparts  Pagefind over the rebuilt languages only, the kept languages' index files reused
searchdelta  after an edit, Pagefind over the changed pages only (pagefind/delta/, merged by search.js)
languages  each language's MkDocs configuration, derived from mkdocs.yml; the hand-written pages it needs
lock    one build of an archive at a time (a second one waits)
searchtext what Pagefind indexes (a hidden normalised copy of each page's words) and the Pagefind run
hooks   the MkDocs hook that links the images into the site MkDocs has just built
bypass     generated pages' HTML given to MkDocs without a Markdown pass, with their anchors and TOC
navcache   Material's sidebar and footer rendered once for the pages they are the same on
staticlinks  the generator's static files hard-linked into a language's site, not copied
serve   the live preview
fixity  manifest-sha256.txt (the SHA-256 of every published file) and the check of a copy against it
edition the offline edition: the built site as one reproducible zip (python -m scripts edition)
"""

/* pipeline._speedups: the PDFium engine's per-character reads in one C loop, and two screens of cleanup.

   pipeline/pdfium_chars.py reads a text page through ctypes, about six foreign calls a character (WPS and
   reportlab draw each glyph as its own text object): most of the engine's time.  chars and objects make the
   same calls from C and hand back plain values (str, int, float, lists and tuples of them); the ctypes code
   stays the reference and gives the same pages (tests/test_engines.py).  may_overprint and rows work on
   plain lists of numbers and strings for pages.dedupe_overprint and clean._rows, whose Python stays the
   reference.  No Python code runs inside a loop here, so no borrowed reference can go stale.

   It links against nothing: pypdfium2 has loaded PDFium, and Python passes the functions' addresses once
   (bind, from pypdfium2.raw).  Handles (FPDF_TEXTPAGE, FPDF_PAGE, FPDF_PAGEOBJECT) cross as integers.
   SOURCE_SHA256, set by setup.py, is this file's hash at build: pipeline/native.py refuses a module built
   from another version of it.  Optional: without it, or with parse_pdf(native=False), Python runs.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#ifndef SOURCE_SHA256
#define SOURCE_SHA256 ""
#endif

typedef struct { float a, b, c, d, e, f; } FS_MATRIX;

/* The PDFium functions, in the order of NAMES; bind fills slot from the addresses Python gives. */
static const char *NAMES[] = {
    "FPDFText_CountChars", "FPDFText_GetText", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
    "FPDFText_GetTextObject", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFTextObj_GetFontSize",
    "FPDFTextObj_GetFont", "FPDFPageObj_GetFillColor", "FPDFPage_CountObjects", "FPDFPage_GetObject",
    "FPDFPageObj_GetType",
};
#define N_FUNCTIONS 13
static union {
    struct {
        int (*count_chars)(void *);
        int (*get_text)(void *, int, int, unsigned short *);
        unsigned int (*get_unicode)(void *, int);
        int (*is_generated)(void *, int);
        void *(*text_object)(void *, int);
        int (*char_origin)(void *, int, double *, double *);
        int (*char_matrix)(void *, int, FS_MATRIX *);
        int (*font_size)(void *, float *);
        void *(*text_font)(void *);
        int (*fill_color)(void *, unsigned int *, unsigned int *, unsigned int *, unsigned int *);
        int (*count_objects)(void *);
        void *(*page_object)(void *, int);
        int (*object_type)(void *);
    } fn;
    void *slot[N_FUNCTIONS];
} api;
static int bound;

/* bind(addresses: dict[str, int]) -> None: the PDFium functions, by name. */
static PyObject *bind(PyObject *self, PyObject *arg) {
    void *slots[N_FUNCTIONS];
    if (!PyDict_Check(arg))
        return PyErr_Format(PyExc_TypeError, "bind takes a dict of function addresses");
    for (int k = 0; k < N_FUNCTIONS; k++) {
        PyObject *v = PyDict_GetItemString(arg, NAMES[k]);
        if (v == NULL)
            return PyErr_Format(PyExc_KeyError, "no address for %s", NAMES[k]);
        if ((slots[k] = PyLong_AsVoidPtr(v)) == NULL)
            return PyErr_Occurred() ? NULL : PyErr_Format(PyExc_ValueError, "null address for %s", NAMES[k]);
    }
    memcpy(api.slot, slots, sizeof slots);
    bound = 1;
    Py_RETURN_NONE;
}

/* What a text object gives its characters, as the Python engine keys a style. */
typedef struct { void *font; float size; int has_rgb; unsigned int r, g, b; float m[4]; } Key;

static int key_eq(const Key *x, const Key *y) {
    return x->font == y->font && x->size == y->size && x->has_rgb == y->has_rgb
        && (!x->has_rgb || (x->r == y->r && x->g == y->g && x->b == y->b))
        && x->m[0] == y->m[0] && x->m[1] == y->m[1] && x->m[2] == y->m[2] && x->m[3] == y->m[3];
}

static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint64_t float_bits(float f) {
    uint32_t u;
    if (f == 0.0f)
        f = 0.0f; /* -0.0 equals 0.0: hash them alike */
    memcpy(&u, &f, sizeof u);
    return u;
}

static uint64_t key_hash(const Key *k) {
    uint64_t h = (uint64_t)(uintptr_t)k->font;
    h = mix(h, float_bits(k->size));
    h = mix(h, k->has_rgb ? ((uint64_t)k->r << 16 | (uint64_t)k->g << 8 | k->b) + 1 : 0);
    for (int j = 0; j < 4; j++)
        h = mix(h, float_bits(k->m[j]));
    return h;
}

static uint64_t u64_hash(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* Append a new reference to a list, giving it up: 0, or -1 with an exception set (also when item is NULL). */
static int append_new(PyObject *list, PyObject *item) {
    int bad = item == NULL || PyList_Append(list, item) < 0;
    Py_XDECREF(item);
    return bad ? -1 : 0;
}

static uint64_t ptr_hash(void *p) { return u64_hash((uint64_t)(uintptr_t)p); }

static size_t table_size(Py_ssize_t n) {
    size_t size = 16;
    while (size < (size_t)n * 2)
        size <<= 1;
    return size;
}

static PyObject *key_tuple(const Key *k) {
    PyObject *rgb = k->has_rgb ? Py_BuildValue("(III)", k->r, k->g, k->b) : Py_NewRef(Py_None);
    if (rgb == NULL)
        return NULL;
    /* a text object without a font keys as 0, as the Python engine has it (PyLong_FromVoidPtr(NULL) is 0) */
    return Py_BuildValue("(NdN(dddd))", PyLong_FromVoidPtr(k->font), (double)k->size, rgb, (double)k->m[0],
                         (double)k->m[1], (double)k->m[2], (double)k->m[3]);
}

/* The PDFium handle an int argument stands for, or NULL with an exception set (unbound, or a null handle). */
static void *handle_of(PyObject *arg, const char *what) {
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "call bind first");
        return NULL;
    }
    void *handle = PyLong_AsVoidPtr(arg);
    if (handle == NULL && !PyErr_Occurred())
        PyErr_Format(PyExc_ValueError, "null %s", what);
    return handle;
}

/* Whether a UTF-16 buffer holds a surrogate pair, which Python decodes as one character. */
static int has_pair(const unsigned short *buf, int n) {
    for (int i = 0; i + 1 < n; i++)
        if (buf[i] >= 0xD800 && buf[i] < 0xDC00 && buf[i + 1] >= 0xDC00 && buf[i + 1] < 0xE000)
            return 1;
    return 0;
}

static int is_maybe_generated(Py_UCS4 u) { return u == ' ' || u == '\r' || u == '\n'; }

/* chars(textpage: int) -> (text, indices, styles, xs, ys, owners, keys, firsts)

   The drawn characters of a text page, as pdfium_chars.read_drawn reads them (a character PDFium made up,
   FPDFText_IsGenerated, or one without a text object is left out).  For the i-th kept character: text[i],
   its index on the text page, the number of its style in keys, its origin (x, y) in user space, and its text
   object's handle.  keys[k] is (font handle, font size, (r, g, b) or None, (a, b, c, d)), the style key of
   pdfium_chars.Styles.  firsts lists, in order, each i whose (style, character) pair appears there first.
*/
static PyObject *chars(PyObject *self, PyObject *arg) {
    void *tp = handle_of(arg, "text page");
    if (tp == NULL)
        return NULL;
    int n = api.fn.count_chars(tp);
    PyObject *indices = PyList_New(0), *styles = PyList_New(0), *xs = PyList_New(0), *ys = PyList_New(0);
    PyObject *owners = PyList_New(0), *keys = PyList_New(0), *firsts = PyList_New(0), *text = NULL, *result = NULL;
    Py_UCS4 *out = NULL;
    unsigned short *ubuf = NULL;
    void **obj_slots = NULL;
    int *obj_sid = NULL, *key_slots = NULL;
    uint64_t *pair_slots = NULL; /* (style << 32 | character) + 1 of the pairs seen; 0 is empty */
    Key *key_list = NULL;
    size_t n_keys = 0;
    if (!indices || !styles || !xs || !ys || !owners || !keys || !firsts)
        goto done;
    if (n <= 0) {
        text = PyUnicode_New(0, 0);
        goto pack;
    }
    out = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)n);
    ubuf = PyMem_Calloc((size_t)n + 1, sizeof(unsigned short));
    size_t osize = table_size(n), ksize = table_size(n);
    obj_slots = PyMem_Calloc(osize, sizeof(void *));
    obj_sid = PyMem_Calloc(osize, sizeof(int));
    key_slots = PyMem_Malloc(ksize * sizeof(int));
    key_list = PyMem_Malloc(sizeof(Key) * (size_t)n);
    pair_slots = PyMem_Calloc(osize, sizeof(uint64_t));
    if (!out || !ubuf || !obj_slots || !obj_sid || !key_slots || !key_list || !pair_slots) {
        PyErr_NoMemory();
        goto done;
    }
    memset(key_slots, -1, ksize * sizeof(int));
    /* the page's text in one call, unless it holds control characters or
       characters beyond the BMP: then one by one, as the Python engine does */
    int got = api.fn.get_text(tp, 0, n, ubuf);
    int per_index = got > 0 && got - 1 == n && !has_pair(ubuf, n);
    Py_ssize_t kept = 0;
    for (int i = 0; i < n; i++) {
        Py_UCS4 u;
        if (per_index) {
            u = ubuf[i];
        } else {
            u = api.fn.get_unicode(tp, i);
            if (u == 2)
                u = 0x2D; /* PDFium's mark for a hyphen that ends a line */
            if (u == 0 || u == 0xFFFE || u > 0x10FFFF)
                continue;
        }
        if (is_maybe_generated(u) && api.fn.is_generated(tp, i))
            continue;
        void *obj = api.fn.text_object(tp, i);
        if (obj == NULL)
            continue;
        size_t slot = ptr_hash(obj) & (osize - 1);
        while (obj_slots[slot] != NULL && obj_slots[slot] != obj)
            slot = (slot + 1) & (osize - 1);
        int sid;
        if (obj_slots[slot] == obj) {
            sid = obj_sid[slot];
        } else {
            Key k;
            FS_MATRIX m;
            memset(&k, 0, sizeof k);
            if (api.fn.char_matrix(tp, i, &m)) {
                k.m[0] = m.a; k.m[1] = m.b; k.m[2] = m.c; k.m[3] = m.d;
            } else {
                k.m[0] = 1.0f; k.m[3] = 1.0f;
            }
            float size = 0.0f;
            k.size = api.fn.font_size(obj, &size) ? size : 0.0f;
            k.font = api.fn.text_font(obj);
            unsigned int r, g, b, a;
            if (api.fn.fill_color(obj, &r, &g, &b, &a)) {
                k.has_rgb = 1;
                k.r = r; k.g = g; k.b = b;
            }
            size_t ks = key_hash(&k) & (ksize - 1);
            while (key_slots[ks] >= 0 && !key_eq(&key_list[key_slots[ks]], &k))
                ks = (ks + 1) & (ksize - 1);
            if (key_slots[ks] < 0) {
                key_list[n_keys] = k;
                key_slots[ks] = (int)n_keys++;
                if (append_new(keys, key_tuple(&k)) < 0)
                    goto done;
            }
            sid = key_slots[ks];
            obj_slots[slot] = obj;
            obj_sid[slot] = sid;
        }
        double x = 0.0, y = 0.0;
        api.fn.char_origin(tp, i, &x, &y);
        if (append_new(indices, PyLong_FromLong(i)) < 0 || append_new(styles, PyLong_FromLong(sid)) < 0
            || append_new(xs, PyFloat_FromDouble(x)) < 0 || append_new(ys, PyFloat_FromDouble(y)) < 0
            || append_new(owners, PyLong_FromVoidPtr(obj)) < 0)
            goto done;
        uint64_t pair = ((uint64_t)(uint32_t)sid << 32 | u) + 1;
        size_t ps = u64_hash(pair) & (osize - 1);
        while (pair_slots[ps] != 0 && pair_slots[ps] != pair)
            ps = (ps + 1) & (osize - 1);
        if (pair_slots[ps] == 0) {
            pair_slots[ps] = pair;
            if (append_new(firsts, PyLong_FromSsize_t(kept)) < 0)
                goto done;
        }
        out[kept++] = u;
    }
    text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, kept);
pack:
    if (text != NULL)
        result = PyTuple_Pack(8, text, indices, styles, xs, ys, owners, keys, firsts);
done:
    Py_XDECREF(text);
    Py_XDECREF(indices); Py_XDECREF(styles); Py_XDECREF(xs); Py_XDECREF(ys);
    Py_XDECREF(owners); Py_XDECREF(keys); Py_XDECREF(firsts);
    PyMem_Free(out); PyMem_Free(ubuf); PyMem_Free(obj_slots); PyMem_Free(obj_sid);
    PyMem_Free(key_slots); PyMem_Free(key_list); PyMem_Free(pair_slots);
    return result;
}

/* objects(page: int) -> (texts, others): a page's own objects in drawing order.

   texts: the handles of its text objects; others: (place, handle, type) of
   its paths (type 2) and form XObjects (type 5), place being the number of
   text objects drawn before it.  extract_pdfium.page_objects is the twin.
*/
static PyObject *objects(PyObject *self, PyObject *arg) {
    void *page = handle_of(arg, "page");
    if (page == NULL)
        return NULL;
    int n = api.fn.count_objects(page);
    PyObject *texts = PyList_New(0), *others = PyList_New(0), *result = NULL;
    if (!texts || !others)
        goto done;
    for (int k = 0; k < n; k++) {
        void *obj = api.fn.page_object(page, k);
        int kind = obj ? api.fn.object_type(obj) : 0;
        if (kind != 1 && kind != 2 && kind != 5)
            continue;
        if (kind == 1 ? append_new(texts, PyLong_FromVoidPtr(obj)) < 0
                      : append_new(others, Py_BuildValue("(nNi)", PyList_GET_SIZE(texts), PyLong_FromVoidPtr(obj), kind)) < 0)
            goto done;
    }
    result = PyTuple_Pack(2, texts, others);
done:
    Py_XDECREF(texts);
    Py_XDECREF(others);
    return result;
}

/* may_overprint(texts, xs, ys, tolerance) -> bool

   A screen for pages.dedupe_overprint over a page's characters (text, x0, top): False when no character that
   is not blank has an earlier one with the same text within tolerance in both x0 and top (most pages); True
   otherwise, or for a value that is not an exact str or float (the Python function judges).  Characters go
   in cells twice the tolerance wide, each looked for in its cell and the eight around it.
*/
typedef struct {
    Py_ssize_t index; /* -1: empty */
    Py_hash_t hash;
    long long cx, cy;
} Cell;

static int is_blank(PyObject *text) {
    Py_ssize_t len = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t j = 0; j < len; j++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, j)))
            return 0;
    return len > 0; /* "".isspace() is False */
}

static size_t cell_slot(Py_hash_t h, long long cx, long long cy, size_t mask) {
    /* the finaliser spreads a regular grid of cells, which the mix alone packs into runs */
    return (size_t)u64_hash(mix(mix((uint64_t)h, (uint64_t)cx), (uint64_t)cy)) & mask;
}

static PyObject *may_overprint(PyObject *self, PyObject *args) {
    PyObject *texts, *xl, *yl;
    double tol;
    if (!PyArg_ParseTuple(args, "O!O!O!d", &PyList_Type, &texts, &PyList_Type, &xl, &PyList_Type, &yl, &tol))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(texts);
    if (PyList_GET_SIZE(xl) != n || PyList_GET_SIZE(yl) != n || !(tol > 0))
        Py_RETURN_TRUE;
    if (n < 2)
        Py_RETURN_FALSE;
    size_t size = table_size(n), mask = size - 1;
    Cell *table = PyMem_Malloc(size * sizeof(Cell));
    double *xs = PyMem_Malloc((size_t)n * sizeof(double)), *ys = PyMem_Malloc((size_t)n * sizeof(double));
    int found = 0;
    if (!table || !xs || !ys) {
        PyMem_Free(table); PyMem_Free(xs); PyMem_Free(ys);
        return PyErr_NoMemory();
    }
    for (size_t j = 0; j < size; j++)
        table[j].index = -1;
    for (Py_ssize_t k = 0; k < n && !found; k++) {
        PyObject *text = PyList_GET_ITEM(texts, k), *vx = PyList_GET_ITEM(xl, k), *vy = PyList_GET_ITEM(yl, k);
        if (!PyUnicode_CheckExact(text) || !PyFloat_CheckExact(vx) || !PyFloat_CheckExact(vy)) {
            found = 1; /* not what a Char holds: let Python judge */
            break;
        }
        double x = xs[k] = PyFloat_AS_DOUBLE(vx), y = ys[k] = PyFloat_AS_DOUBLE(vy);
        if (!(x > -1e12 && x < 1e12 && y > -1e12 && y < 1e12)) { /* NaN, infinities, absurd numbers */
            found = 1;
            break;
        }
        Py_hash_t h = PyObject_Hash(text); /* an exact str: no Python code, no failure */
        long long cx = (long long)floor(x / (2 * tol)), cy = (long long)floor(y / (2 * tol));
        int blank = is_blank(text);
        for (int d = 0; d < 9 && !found && !blank; d++) {
            long long qx = cx + d % 3 - 1, qy = cy + d / 3 - 1;
            for (size_t slot = cell_slot(h, qx, qy, mask); table[slot].index >= 0; slot = (slot + 1) & mask) {
                Cell *e = &table[slot];
                if (e->hash == h && e->cx == qx && e->cy == qy && fabs(xs[e->index] - x) <= tol
                    && fabs(ys[e->index] - y) <= tol && PyUnicode_Compare(text, PyList_GET_ITEM(texts, e->index)) == 0) {
                    found = 1;
                    break;
                }
            }
        }
        size_t slot = cell_slot(h, cx, cy, mask);
        while (table[slot].index >= 0)
            slot = (slot + 1) & mask;
        table[slot] = (Cell){k, h, cx, cy};
    }
    PyMem_Free(table); PyMem_Free(xs); PyMem_Free(ys);
    return PyBool_FromLong(found);
}

/* rows(tops, bottoms, x0s) -> (order, starts) | None

   clean._rows over a page's characters with text: order sorts them by (vertical middle, x0, position), starts
   gives where each row begins in it; a row takes the next character while its middle stays within 0.45 of
   the taller of its height (at least 1) and the row's.  None for a value not a finite float (Python decides).
*/
typedef struct {
    double mid, x0, height;
    Py_ssize_t k;
} Placed;

static int by_mid_x0_k(const void *a, const void *b) {
    const Placed *p = a, *q = b;
    if (p->mid != q->mid)
        return p->mid < q->mid ? -1 : 1;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->k < q->k ? -1 : (p->k > q->k);
}

static int finite_at(PyObject *list, Py_ssize_t k, double *out) {
    PyObject *v = PyList_GET_ITEM(list, k);
    return PyFloat_CheckExact(v) && isfinite(*out = PyFloat_AS_DOUBLE(v));
}

static PyObject *rows(PyObject *self, PyObject *args) {
    PyObject *tops, *bottoms, *x0s, *order = NULL, *starts = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &tops, &PyList_Type, &bottoms, &PyList_Type, &x0s))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(tops);
    if (PyList_GET_SIZE(bottoms) != n || PyList_GET_SIZE(x0s) != n)
        Py_RETURN_NONE;
    Placed *placed = PyMem_Malloc(sizeof(Placed) * (size_t)(n ? n : 1));
    if (placed == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t k = 0; k < n; k++) {
        double top, bottom;
        if (!finite_at(tops, k, &top) || !finite_at(bottoms, k, &bottom) || !finite_at(x0s, k, &placed[k].x0)
            || isnan(placed[k].mid = (top + bottom) / 2)) {
            PyMem_Free(placed);
            Py_RETURN_NONE;
        }
        placed[k].height = bottom - top;
        placed[k].k = k;
    }
    qsort(placed, (size_t)n, sizeof(Placed), by_mid_x0_k);
    order = PyList_New(n);
    starts = PyList_New(0);
    if (order == NULL || starts == NULL)
        goto done;
    double centre = 0.0, height = 0.0;
    Py_ssize_t in_row = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        double h = placed[k].height < 1.0 ? 1.0 : placed[k].height, mid = placed[k].mid;
        PyObject *v = PyLong_FromSsize_t(placed[k].k);
        if (v == NULL)
            goto done;
        PyList_SET_ITEM(order, k, v);
        if (in_row && fabs(mid - centre) <= 0.45 * (h > height ? h : height)) {
            centre += (mid - centre) / (double)++in_row;
            height = h > height ? h : height;
            continue;
        }
        if (append_new(starts, PyLong_FromSsize_t(k)) < 0)
            goto done;
        in_row = 1;
        centre = mid;
        height = h;
    }
    result = PyTuple_Pack(2, order, starts);
done:
    PyMem_Free(placed);
    Py_XDECREF(order);
    Py_XDECREF(starts);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_O, "bind(addresses: dict[str, int]) -> None"},
    {"chars", chars, METH_O, "chars(textpage: int) -> (text, indices, styles, xs, ys, owners, keys, firsts)"},
    {"objects", objects, METH_O, "objects(page: int) -> (texts, others)"},
    {"may_overprint", may_overprint, METH_VARARGS, "may_overprint(texts, xs, ys, tolerance) -> bool"},
    {"rows", rows, METH_VARARGS, "rows(tops, bottoms, x0s) -> (order, starts) | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "The PDFium engine's per-character reads in C; pipeline.pdfium_chars has the ctypes reference.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddStringConstant(m, "SOURCE_SHA256", SOURCE_SHA256) < 0)
        Py_CLEAR(m);
    return m;
}

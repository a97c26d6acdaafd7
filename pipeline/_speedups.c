/* pipeline._speedups: the per-character loops of the PDFium engine, in C.

   Optional: every function here has a Python reference that gives the same
   result, used when the module is not built or PIPELINE_NO_C=1 is set.

   The PDFium engine's per-character reads, in one C loop.

   pipeline/extract_pdfium.py reads a text page one character at a time
   through ctypes: its Unicode value, text object and origin, and for every
   new text object its matrix, font size, font and fill.  WPS and reportlab
   draw each glyph as its own text object, so that is about six foreign calls
   a character, most of the engine's time.  This module makes the same calls
   from C and hands back plain Python values; the Python engine does the rest
   (styles, glyph advances, boxes) and stays the reference: the two paths give
   the same pages (tests/test_engines.py).

   It links against nothing: the addresses of the PDFium functions, which
   pypdfium2 has loaded, come from Python once (bind), so it builds with a C
   compiler and the Python headers alone.

   Handles (FPDF_TEXTPAGE, FPDF_PAGE, FPDF_PAGEOBJECT) cross as integers, as
   the Python engine keys them.
*/
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef struct { float a, b, c, d, e, f; } FS_MATRIX;

typedef int (*count_chars_t)(void *);
typedef int (*get_text_t)(void *, int, int, unsigned short *);
typedef unsigned int (*get_unicode_t)(void *, int);
typedef int (*is_generated_t)(void *, int);
typedef void *(*text_object_t)(void *, int);
typedef int (*char_origin_t)(void *, int, double *, double *);
typedef int (*char_matrix_t)(void *, int, FS_MATRIX *);
typedef int (*font_size_t)(void *, float *);
typedef void *(*text_font_t)(void *);
typedef int (*fill_color_t)(void *, unsigned int *, unsigned int *, unsigned int *, unsigned int *);
typedef int (*count_objects_t)(void *);
typedef void *(*page_object_t)(void *, int);
typedef int (*object_type_t)(void *);
typedef int (*object_bounds_t)(void *, float *, float *, float *, float *);

static struct {
    count_chars_t count_chars;
    get_text_t get_text;
    get_unicode_t get_unicode;
    is_generated_t is_generated;
    text_object_t text_object;
    char_origin_t char_origin;
    char_matrix_t char_matrix;
    font_size_t font_size;
    text_font_t text_font;
    fill_color_t fill_color;
    count_objects_t count_objects;
    page_object_t page_object;
    object_type_t object_type;
    object_bounds_t object_bounds;
    int bound;
} api;

/* bind(addresses: dict[str, int]) -> None: the PDFium functions, by name. */
static PyObject *bind(PyObject *self, PyObject *arg) {
    static const char *names[] = {
        "FPDFText_CountChars", "FPDFText_GetText", "FPDFText_GetUnicode", "FPDFText_IsGenerated",
        "FPDFText_GetTextObject", "FPDFText_GetCharOrigin", "FPDFText_GetMatrix", "FPDFTextObj_GetFontSize",
        "FPDFTextObj_GetFont", "FPDFPageObj_GetFillColor", "FPDFPage_CountObjects", "FPDFPage_GetObject",
        "FPDFPageObj_GetType", "FPDFPageObj_GetBounds",
    };
    void *slots[14];
    if (!PyDict_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "bind takes a dict of function addresses");
        return NULL;
    }
    for (int k = 0; k < 14; k++) {
        PyObject *v = PyDict_GetItemString(arg, names[k]);
        if (v == NULL) {
            PyErr_Format(PyExc_KeyError, "no address for %s", names[k]);
            return NULL;
        }
        slots[k] = PyLong_AsVoidPtr(v);
        if (slots[k] == NULL) {
            if (!PyErr_Occurred())
                PyErr_Format(PyExc_ValueError, "null address for %s", names[k]);
            return NULL;
        }
    }
    api.count_chars = (count_chars_t)slots[0];
    api.get_text = (get_text_t)slots[1];
    api.get_unicode = (get_unicode_t)slots[2];
    api.is_generated = (is_generated_t)slots[3];
    api.text_object = (text_object_t)slots[4];
    api.char_origin = (char_origin_t)slots[5];
    api.char_matrix = (char_matrix_t)slots[6];
    api.font_size = (font_size_t)slots[7];
    api.text_font = (text_font_t)slots[8];
    api.fill_color = (fill_color_t)slots[9];
    api.count_objects = (count_objects_t)slots[10];
    api.page_object = (page_object_t)slots[11];
    api.object_type = (object_type_t)slots[12];
    api.object_bounds = (object_bounds_t)slots[13];
    api.bound = 1;
    Py_RETURN_NONE;
}

/* What a text object gives its characters, as the Python engine keys a style. */
typedef struct {
    void *font;
    float size;
    int has_rgb;
    unsigned int r, g, b;
    float m[4];
} Key;

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
    if (!api.bound) {
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

   The drawn characters of a text page, as extract_pdfium._page_chars reads
   them: a character PDFium made up (FPDFText_IsGenerated) or one without a
   text object is left out.  For the i-th kept character: text[i], its index
   on the text page, the number of its style in keys, its origin (x, y) in
   user space, and its text object's handle.  keys[k] is
   (font handle, font size, (r, g, b) or None, (a, b, c, d)), the style key
   of extract_pdfium._Styles.  firsts lists, in order, each i whose
   (style, character) pair appears there for the first time on the page
   (extract_pdfium._first_of_each).
*/
static PyObject *chars(PyObject *self, PyObject *arg) {
    void *tp = handle_of(arg, "text page");
    if (tp == NULL)
        return NULL;
    int n = api.count_chars(tp);
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
    int got = api.get_text(tp, 0, n, ubuf);
    int per_index = got > 0 && got - 1 == n && !has_pair(ubuf, n);
    Py_ssize_t kept = 0;
    for (int i = 0; i < n; i++) {
        Py_UCS4 u;
        if (per_index) {
            u = ubuf[i];
        } else {
            u = api.get_unicode(tp, i);
            if (u == 2)
                u = 0x2D; /* PDFium's mark for a hyphen that ends a line */
            if (u == 0 || u == 0xFFFE || u > 0x10FFFF)
                continue;
        }
        if (is_maybe_generated(u) && api.is_generated(tp, i))
            continue;
        void *obj = api.text_object(tp, i);
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
            if (api.char_matrix(tp, i, &m)) {
                k.m[0] = m.a; k.m[1] = m.b; k.m[2] = m.c; k.m[3] = m.d;
            } else {
                k.m[0] = 1.0f; k.m[3] = 1.0f;
            }
            float size = 0.0f;
            k.size = api.font_size(obj, &size) ? size : 0.0f;
            k.font = api.text_font(obj);
            unsigned int r, g, b, a;
            if (api.fill_color(obj, &r, &g, &b, &a)) {
                k.has_rgb = 1;
                k.r = r; k.g = g; k.b = b;
            }
            size_t ks = key_hash(&k) & (ksize - 1);
            while (key_slots[ks] >= 0 && !key_eq(&key_list[key_slots[ks]], &k))
                ks = (ks + 1) & (ksize - 1);
            if (key_slots[ks] < 0) {
                key_list[n_keys] = k;
                key_slots[ks] = (int)n_keys++;
                PyObject *t = key_tuple(&k);
                if (t == NULL || PyList_Append(keys, t) < 0) {
                    Py_XDECREF(t);
                    goto done;
                }
                Py_DECREF(t);
            }
            sid = key_slots[ks];
            obj_slots[slot] = obj;
            obj_sid[slot] = sid;
        }
        double x = 0.0, y = 0.0;
        api.char_origin(tp, i, &x, &y);
        PyObject *vi = PyLong_FromLong(i), *vs = PyLong_FromLong(sid), *vx = PyFloat_FromDouble(x);
        PyObject *vy = PyFloat_FromDouble(y), *vo = PyLong_FromVoidPtr(obj);
        int bad = !vi || !vs || !vx || !vy || !vo || PyList_Append(indices, vi) < 0 || PyList_Append(styles, vs) < 0
            || PyList_Append(xs, vx) < 0 || PyList_Append(ys, vy) < 0 || PyList_Append(owners, vo) < 0;
        Py_XDECREF(vi); Py_XDECREF(vs); Py_XDECREF(vx); Py_XDECREF(vy); Py_XDECREF(vo);
        if (bad)
            goto done;
        uint64_t pair = ((uint64_t)(uint32_t)sid << 32 | u) + 1;
        size_t ps = u64_hash(pair) & (osize - 1);
        while (pair_slots[ps] != 0 && pair_slots[ps] != pair)
            ps = (ps + 1) & (osize - 1);
        if (pair_slots[ps] == 0) {
            pair_slots[ps] = pair;
            PyObject *vk = PyLong_FromSsize_t(kept);
            if (vk == NULL || PyList_Append(firsts, vk) < 0) {
                Py_XDECREF(vk);
                goto done;
            }
            Py_DECREF(vk);
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
   text objects drawn before it.  extract_pdfium._page_objects is the twin.
*/
static PyObject *objects(PyObject *self, PyObject *arg) {
    void *page = handle_of(arg, "page");
    if (page == NULL)
        return NULL;
    int n = api.count_objects(page);
    PyObject *texts = PyList_New(0), *others = PyList_New(0), *result = NULL;
    if (!texts || !others)
        goto done;
    for (int k = 0; k < n; k++) {
        void *obj = api.page_object(page, k);
        int kind = obj ? api.object_type(obj) : 0;
        if (kind != 1 && kind != 2 && kind != 5)
            continue;
        PyObject *h = PyLong_FromVoidPtr(obj);
        if (h == NULL)
            goto done;
        int bad;
        if (kind == 1) {
            bad = PyList_Append(texts, h) < 0;
        } else {
            PyObject *t = Py_BuildValue("(nOi)", PyList_GET_SIZE(texts), h, kind);
            bad = t == NULL || PyList_Append(others, t) < 0;
            Py_XDECREF(t);
        }
        Py_DECREF(h);
        if (bad)
            goto done;
    }
    result = PyTuple_Pack(2, texts, others);
done:
    Py_XDECREF(texts);
    Py_XDECREF(others);
    return result;
}

/* skipped(texts, used, forms, page, tolerance) -> (blanks, bold_owners)

   extract_pdfium._find_skipped in C: the text objects the text page left
   out (texts[k] not in used).  One whose box has no width is a run of blank
   glyphs: its handle goes to blanks.  Any other is taken for a copy of an
   object drawn just before it (fake bold): among the eight objects before it
   that the text page used and that sit in the same holder (forms maps an
   object inside a form XObject to (matrix, form); others sit in the page),
   the nearest with a box of the same size (to 0.5 pt) whose corner lies
   within tolerance goes to bold_owners.
*/
typedef struct {
    int state; /* 0 unread, 1 read, 2 no bounds */
    float l, b, r, t;
} Bounds;

static Bounds *bounds_at(Bounds *cache, PyObject **items, Py_ssize_t k) {
    Bounds *x = &cache[k];
    if (x->state == 0) {
        void *h = PyLong_AsVoidPtr(items[k]);
        if (h == NULL && PyErr_Occurred())
            PyErr_Clear();
        x->state = h != NULL && api.object_bounds(h, &x->l, &x->b, &x->r, &x->t) ? 1 : 2;
    }
    return x->state == 1 ? x : NULL;
}

/* The holder of texts[k]: its form's handle, or the page's; NULL with an exception on an error. */
static PyObject *holder_of(PyObject *forms, PyObject *handle, PyObject *page) {
    PyObject *f = PyDict_GetItemWithError(forms, handle); /* borrowed */
    if (f == NULL)
        return PyErr_Occurred() ? NULL : page;
    if (!PyTuple_Check(f) || PyTuple_GET_SIZE(f) != 2) {
        PyErr_SetString(PyExc_TypeError, "forms values must be (matrix, form)");
        return NULL;
    }
    return PyTuple_GET_ITEM(f, 1);
}

static PyObject *skipped(PyObject *self, PyObject *args) {
    PyObject *texts, *used, *forms, *page;
    double tol;
    if (!PyArg_ParseTuple(args, "O!O!O!Od", &PyList_Type, &texts, &PyDict_Type, &used, &PyDict_Type, &forms, &page,
                          &tol))
        return NULL;
    if (!api.bound) {
        PyErr_SetString(PyExc_RuntimeError, "call bind first");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(texts);
    PyObject **items = PySequence_Fast_ITEMS(texts);
    Bounds *cache = PyMem_Calloc((size_t)(n ? n : 1), sizeof(Bounds));
    PyObject *blanks = PyList_New(0), *bold = PyList_New(0), *result = NULL;
    if (cache == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    if (blanks == NULL || bold == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < n; k++) {
        int in = PyDict_Contains(used, items[k]);
        if (in < 0)
            goto done;
        if (in)
            continue;
        Bounds *x = bounds_at(cache, items, k);
        if (x == NULL)
            continue;
        double left = x->l, bottom = x->b, right = x->r, top = x->t;
        if (fabs(right - left) < 0.01) {
            if (PyList_Append(blanks, items[k]) < 0)
                goto done;
            continue;
        }
        PyObject *holder = holder_of(forms, items[k], page);
        if (holder == NULL)
            goto done;
        double lw = right - left, lh = top - bottom;
        for (Py_ssize_t j = k - 1; j >= 0 && j >= k - 8; j--) {
            int prev_in = PyDict_Contains(used, items[j]);
            if (prev_in < 0)
                goto done;
            if (!prev_in)
                continue;
            PyObject *prev_holder = holder_of(forms, items[j], page);
            if (prev_holder == NULL)
                goto done;
            int same = PyObject_RichCompareBool(prev_holder, holder, Py_EQ);
            if (same < 0)
                goto done;
            if (!same)
                continue;
            Bounds *p = bounds_at(cache, items, j);
            if (p == NULL)
                continue;
            double pl = p->l, pbot = p->b, pr = p->r, pt = p->t;
            if (fabs((pr - pl) - lw) > 0.5 || fabs((pt - pbot) - lh) > 0.5)
                continue;
            if (fabs(pl - left) <= tol && fabs(pbot - bottom) <= tol) {
                if (PyList_Append(bold, items[j]) < 0)
                    goto done;
                break;
            }
        }
    }
    result = PyTuple_Pack(2, blanks, bold);
done:
    PyMem_Free(cache);
    Py_XDECREF(blanks);
    Py_XDECREF(bold);
    return result;
}

/* boxes(text, styles, xs, ys, ex, base, char_type) -> list[Char | None]

   The loop of extract_pdfium._page_chars for upright text on a page without
   rotation: per character k, its style styles[k] (an extract_pdfium._Style)
   gives ``fast`` = (em, drop, size, name, color, bold) and ``glyphs``, which
   maps text[k] to (folded text, advance in 1/1000 em); the character's
   origin is (xs[k], ys[k]) in user space, and ex, base put it in
   pdfplumber's frame:

       x0 = x + ex; bottom = base - y - drop
       Char(folded, x0, bottom - size, x0 + advance * em, bottom, size, name, color, bold)

   None where the style has no ``fast`` (a matrix, a rotation) or the glyph
   is not in ``glyphs`` yet: the Python loop does those.
*/
static PyObject *boxes(PyObject *self, PyObject *args) {
    PyObject *text, *sts, *xs, *ys;
    double ex, base;
    PyTypeObject *char_type;
    if (!PyArg_ParseTuple(args, "UO!O!O!ddO!", &text, &PyList_Type, &sts, &PyList_Type, &xs, &PyList_Type, &ys,
                          &ex, &base, &PyType_Type, &char_type))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyList_GET_SIZE(sts) != n || PyList_GET_SIZE(xs) != n || PyList_GET_SIZE(ys) != n) {
        PyErr_SetString(PyExc_ValueError, "text, styles, xs and ys differ in length");
        return NULL;
    }
    if (!PyType_IsSubtype(char_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "char_type must be a tuple type");
        return NULL;
    }
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    PyObject *last = NULL, *fast = NULL, *glyphs = NULL, *fast_items[6];
    double em = 0, drop = 0, size = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *st = PyList_GET_ITEM(sts, k);
        if (st != last) {
            Py_XDECREF(fast);
            Py_XDECREF(glyphs);
            fast = PyObject_GetAttrString(st, "fast");
            glyphs = fast ? PyObject_GetAttrString(st, "glyphs") : NULL;
            if (fast == NULL || glyphs == NULL)
                goto fail;
            if (fast != Py_None) {
                if (!PyTuple_Check(fast) || PyTuple_GET_SIZE(fast) != 6) {
                    PyErr_SetString(PyExc_TypeError, "a style's fast must be a 6-tuple or None");
                    goto fail;
                }
                for (int j = 0; j < 6; j++)
                    fast_items[j] = PyTuple_GET_ITEM(fast, j);
                em = PyFloat_AsDouble(fast_items[0]);
                drop = PyFloat_AsDouble(fast_items[1]);
                size = PyFloat_AsDouble(fast_items[2]);
                if (PyErr_Occurred())
                    goto fail;
            }
            if (!PyDict_Check(glyphs)) {
                PyErr_SetString(PyExc_TypeError, "a style's glyphs must be a dict");
                goto fail;
            }
            last = st;
        }
        PyObject *item = Py_None;
        if (fast != Py_None) {
            PyObject *ch = PyUnicode_FromOrdinal(PyUnicode_READ(kind, data, k));
            if (ch == NULL)
                goto fail;
            PyObject *glyph = PyDict_GetItemWithError(glyphs, ch); /* borrowed */
            Py_DECREF(ch);
            if (glyph == NULL && PyErr_Occurred())
                goto fail;
            if (glyph != NULL) {
                if (!PyTuple_Check(glyph) || PyTuple_GET_SIZE(glyph) != 2) {
                    PyErr_SetString(PyExc_TypeError, "a glyph must be (text, advance)");
                    goto fail;
                }
                double adv = PyFloat_AsDouble(PyTuple_GET_ITEM(glyph, 1));
                double x = PyFloat_AsDouble(PyList_GET_ITEM(xs, k)), y = PyFloat_AsDouble(PyList_GET_ITEM(ys, k));
                if (PyErr_Occurred())
                    goto fail;
                double x0 = x + ex;
                double bottom = base - y - drop;
                double top = bottom - size;
                double x1 = x0 + adv * em;
                item = char_type->tp_alloc(char_type, 9);
                if (item == NULL)
                    goto fail;
                PyObject *folded = PyTuple_GET_ITEM(glyph, 0);
                PyObject *vals[9] = {folded, PyFloat_FromDouble(x0), PyFloat_FromDouble(top), PyFloat_FromDouble(x1),
                                     PyFloat_FromDouble(bottom), fast_items[2], fast_items[3], fast_items[4],
                                     fast_items[5]};
                for (int j = 0; j < 9; j++) {
                    if (j == 0 || j >= 5)
                        Py_INCREF(vals[j]);
                    PyTuple_SET_ITEM(item, j, vals[j]);
                }
                if (!vals[1] || !vals[2] || !vals[3] || !vals[4]) {
                    Py_DECREF(item);
                    goto fail;
                }
                PyList_SET_ITEM(out, k, item);
                continue;
            }
        }
        Py_INCREF(item);
        PyList_SET_ITEM(out, k, item);
    }
    Py_XDECREF(fast);
    Py_XDECREF(glyphs);
    return out;
fail:
    Py_XDECREF(fast);
    Py_XDECREF(glyphs);
    Py_DECREF(out);
    return NULL;
}

/* may_overprint(chars, tolerance) -> bool

   A screen for extract.dedupe_overprint: False when no character that is
   not blank has an earlier one with the same text within ``tolerance``
   points in both x0 and top, so there is nothing to drop (most pages);
   True otherwise, or for anything it cannot judge (then the Python
   function decides). ``chars`` is a list of Char tuples (text, x0, top, ...).
   Characters go in a grid of cells twice the tolerance wide, and each is
   looked for among its cell's eight neighbours and its own.
*/
typedef struct {
    Py_ssize_t index; /* -1: empty */
    Py_hash_t hash;
    long long cx, cy;
} Cell;

static PyObject *may_overprint(PyObject *self, PyObject *args) {
    PyObject *chars;
    double tol;
    if (!PyArg_ParseTuple(args, "O!d", &PyList_Type, &chars, &tol))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(chars);
    if (n < 2)
        Py_RETURN_FALSE;
    if (!(tol > 0))
        Py_RETURN_TRUE;
    double cell = 2 * tol;
    size_t size = table_size(n), mask = size - 1;
    Cell *table = PyMem_Malloc(size * sizeof(Cell));
    double *xs = PyMem_Malloc((size_t)n * sizeof(double)), *ys = PyMem_Malloc((size_t)n * sizeof(double));
    if (!table || !xs || !ys) {
        PyMem_Free(table); PyMem_Free(xs); PyMem_Free(ys);
        return PyErr_NoMemory();
    }
    for (size_t j = 0; j < size; j++)
        table[j].index = -1;
    int found = 0, failed = 0;
    for (Py_ssize_t k = 0; k < n && !found && !failed; k++) {
        PyObject *c = PyList_GET_ITEM(chars, k);
        if (!PyTuple_Check(c) || PyTuple_GET_SIZE(c) < 3 || !PyUnicode_Check(PyTuple_GET_ITEM(c, 0))) {
            found = 1; /* not a Char: let Python judge */
            break;
        }
        PyObject *text = PyTuple_GET_ITEM(c, 0);
        double x = PyFloat_AsDouble(PyTuple_GET_ITEM(c, 1)), y = PyFloat_AsDouble(PyTuple_GET_ITEM(c, 2));
        if (PyErr_Occurred()) {
            PyErr_Clear();
            found = 1;
            break;
        }
        if (!(x > -1e12 && x < 1e12 && y > -1e12 && y < 1e12)) { /* NaN, infinities, absurd numbers */
            found = 1;
            break;
        }
        xs[k] = x;
        ys[k] = y;
        Py_hash_t h = PyObject_Hash(text);
        if (h == -1) {
            failed = 1;
            break;
        }
        long long cx = (long long)floor(x / cell), cy = (long long)floor(y / cell);
        int blank = 1;
        Py_ssize_t len = PyUnicode_GET_LENGTH(text);
        for (Py_ssize_t j = 0; j < len; j++)
            if (!Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, j))) {
                blank = 0;
                break;
            }
        if (len == 0)
            blank = 0; /* "".isspace() is False */
        for (int dx = -1; dx <= 1 && !found && !blank; dx++) {
            for (int dy = -1; dy <= 1 && !found; dy++) {
                long long qx = cx + dx, qy = cy + dy;
                size_t slot = (size_t)u64_hash(mix(mix((uint64_t)h, (uint64_t)qx), (uint64_t)qy)) & mask;
                while (table[slot].index >= 0) {
                    Cell *e = &table[slot];
                    if (e->hash == h && e->cx == qx && e->cy == qy) {
                        PyObject *other = PyTuple_GET_ITEM(PyList_GET_ITEM(chars, e->index), 0);
                        int eq = PyUnicode_Compare(text, other);
                        if (eq == -1 && PyErr_Occurred()) {
                            failed = 1;
                            break;
                        }
                        if (eq == 0 && fabs(xs[e->index] - x) <= tol && fabs(ys[e->index] - y) <= tol) {
                            found = 1;
                            break;
                        }
                    }
                    slot = (slot + 1) & mask;
                }
                if (failed)
                    break;
            }
            if (failed)
                break;
        }
        if (found || failed)
            break;
        /* the finaliser spreads a regular grid of cells, which the mix alone packs into runs */
        size_t slot = (size_t)u64_hash(mix(mix((uint64_t)h, (uint64_t)cx), (uint64_t)cy)) & mask;
        while (table[slot].index >= 0)
            slot = (slot + 1) & mask;
        table[slot].index = k;
        table[slot].hash = h;
        table[slot].cx = cx;
        table[slot].cy = cy;
    }
    PyMem_Free(table); PyMem_Free(xs); PyMem_Free(ys);
    if (failed)
        return NULL;
    return PyBool_FromLong(found);
}

/* --- cleanup: characters into lines (clean.group_lines) ----------------------- */

/* A Char's float field k (x0 1, top 2, x1 3, bottom 4), or -1 when it is not
   a finite float (then the Python code decides). */
static int char_float(PyObject *c, Py_ssize_t k, double *out) {
    PyObject *v = PyTuple_GET_ITEM(c, k);
    if (!PyFloat_CheckExact(v))
        return -1;
    *out = PyFloat_AS_DOUBLE(v);
    return isfinite(*out) ? 0 : -1;
}

static int is_char(PyObject *c) { return PyTuple_Check(c) && PyTuple_GET_SIZE(c) >= 9 && PyUnicode_Check(PyTuple_GET_ITEM(c, 0)); }

typedef struct {
    double mid, x0, height;
    Py_ssize_t order;
    PyObject *c;
} Placed;

static int by_mid_x0_order(const void *a, const void *b) {
    const Placed *p = a, *q = b;
    if (p->mid != q->mid)
        return p->mid < q->mid ? -1 : 1;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->order < q->order ? -1 : (p->order > q->order);
}

/* rows(chars) -> list[list[Char]] | None

   clean._rows in C: the characters with text, sorted by (vertical middle,
   x0, drawing order), cut into rows where the middle moves by more than 0.45
   of the taller of the glyph and the row so far.  None when a coordinate is
   not a float or is NaN: the Python code decides then.
*/
static PyObject *rows(PyObject *self, PyObject *arg) {
    PyObject *seq = PySequence_Fast(arg, "chars must be a sequence");
    if (seq == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq), m = 0;
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Placed *placed = PyMem_Malloc(sizeof(Placed) * (size_t)(n ? n : 1));
    PyObject *out = NULL, *row = NULL;
    if (placed == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *c = items[k];
        if (!is_char(c))
            goto python;
        if (PyUnicode_GET_LENGTH(PyTuple_GET_ITEM(c, 0)) == 0)
            continue; /* no text: filtered out */
        double x0, top, bottom;
        if (char_float(c, 1, &x0) < 0 || char_float(c, 2, &top) < 0 || char_float(c, 4, &bottom) < 0)
            goto python;
        double mid = (top + bottom) / 2;
        if (isnan(mid))
            goto python;
        placed[m].mid = mid;
        placed[m].x0 = x0;
        placed[m].height = bottom - top;
        placed[m].order = m;
        placed[m].c = c;
        m++;
    }
    qsort(placed, (size_t)m, sizeof(Placed), by_mid_x0_order);
    out = PyList_New(0);
    if (out == NULL)
        goto done;
    double centre = 0.0, height = 0.0;
    Py_ssize_t in_row = 0;
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *c = placed[k].c;
        double h = placed[k].height, mid = placed[k].mid;
        if (h < 1.0)
            h = 1.0;
        if (row != NULL && fabs(mid - centre) <= 0.45 * (h > height ? h : height)) {
            if (PyList_Append(row, c) < 0)
                goto fail;
            in_row++;
            centre += (mid - centre) / (double)in_row;
            if (h > height)
                height = h;
        } else {
            row = PyList_New(0);
            if (row == NULL || PyList_Append(row, c) < 0 || PyList_Append(out, row) < 0) {
                Py_XDECREF(row);
                goto fail;
            }
            Py_DECREF(row); /* out holds it */
            in_row = 1;
            centre = mid;
            height = h;
        }
    }
    goto done;
python:
    out = Py_NewRef(Py_None);
    goto done;
fail:
    Py_CLEAR(out);
done:
    PyMem_Free(placed);
    Py_DECREF(seq);
    return out;
}

typedef struct {
    double x0;
    Py_ssize_t order;
} ByX0;

static int by_x0_order(const void *a, const void *b) {
    const ByX0 *p = a, *q = b;
    if (p->x0 != q->x0)
        return p->x0 < q->x0 ? -1 : 1;
    return p->order < q->order ? -1 : (p->order > q->order);
}

/* plain_line(page, row, line_type, space_gap) -> Line | None

   clean._line_from for the common line, in C: one glyph per character, no
   blank glyph, one font size, one colour, and no gap between neighbouring
   glyphs wider than space_gap font sizes.  Such a line's text is its glyphs
   in x0 order, as they are.  None for any other line (or a coordinate that
   is not a float): the Python code composes it.
*/
static PyObject *plain_line(PyObject *self, PyObject *args) {
    PyObject *page, *row, *line_type;
    double gap_share;
    if (!PyArg_ParseTuple(args, "OO!Od", &page, &PyList_Type, &row, &line_type, &gap_share))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(row);
    if (n == 0)
        Py_RETURN_NONE;
    ByX0 *order = PyMem_Malloc(sizeof(ByX0) * (size_t)n);
    Py_UCS4 *chars = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)n);
    PyObject *result = NULL, *sorted = NULL, *text = NULL, *size_obj = NULL, *rounded = NULL;
    if (order == NULL || chars == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *c = PyList_GET_ITEM(row, k);
        if (!is_char(c) || char_float(c, 1, &order[k].x0) < 0)
            goto plain_no;
        order[k].order = k;
    }
    qsort(order, (size_t)n, sizeof(ByX0), by_x0_order);
    sorted = PyTuple_New(n);
    if (sorted == NULL)
        goto done;
    PyObject *first = PyList_GET_ITEM(row, order[0].order);
    PyObject *size0 = PyTuple_GET_ITEM(first, 5), *color = PyTuple_GET_ITEM(first, 7);
    double size_first;
    if (!PyFloat_CheckExact(size0))
        goto plain_no;
    size_first = PyFloat_AS_DOUBLE(size0);
    PyObject *x0_min = NULL, *top_min = NULL, *x1_max = NULL, *bottom_max = NULL;
    double vx0 = 0, vtop = 0, vx1 = 0, vbottom = 0, prev_x1 = 0, max_gap = -INFINITY;
    Py_ssize_t bold = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *c = PyList_GET_ITEM(row, order[k].order);
        PyObject *t = PyTuple_GET_ITEM(c, 0);
        if (PyUnicode_GET_LENGTH(t) != 1)
            goto plain_no; /* a blank (""), a ligature or "(cid:12)": the Python path */
        Py_UCS4 u = PyUnicode_READ_CHAR(t, 0);
        if (Py_UNICODE_ISSPACE(u))
            goto plain_no;
        PyObject *sz = PyTuple_GET_ITEM(c, 5);
        if (!PyFloat_CheckExact(sz) || PyFloat_AS_DOUBLE(sz) != size_first)
            goto plain_no;
        PyObject *col = PyTuple_GET_ITEM(c, 7);
        if (col != color) {
            int eq = PyObject_RichCompareBool(col, color, Py_EQ);
            if (eq < 0)
                goto done;
            if (!eq)
                goto plain_no;
        }
        double x0, top, x1, bottom;
        if (char_float(c, 1, &x0) < 0 || char_float(c, 2, &top) < 0 || char_float(c, 3, &x1) < 0
            || char_float(c, 4, &bottom) < 0)
            goto plain_no;
        if (k == 0) {
            x0_min = PyTuple_GET_ITEM(c, 1); vx0 = x0;
            top_min = PyTuple_GET_ITEM(c, 2); vtop = top;
            x1_max = PyTuple_GET_ITEM(c, 3); vx1 = x1;
            bottom_max = PyTuple_GET_ITEM(c, 4); vbottom = bottom;
        } else {
            double gap = x0 - prev_x1;
            if (gap > max_gap)
                max_gap = gap;
            /* min() and max() keep the first of equals, as Python's do */
            if (x0 < vx0) { x0_min = PyTuple_GET_ITEM(c, 1); vx0 = x0; }
            if (top < vtop) { top_min = PyTuple_GET_ITEM(c, 2); vtop = top; }
            if (x1 > vx1) { x1_max = PyTuple_GET_ITEM(c, 3); vx1 = x1; }
            if (bottom > vbottom) { bottom_max = PyTuple_GET_ITEM(c, 4); vbottom = bottom; }
        }
        prev_x1 = x1;
        PyObject *b = PyTuple_GET_ITEM(c, 8);
        if (!PyBool_Check(b))
            goto plain_no;
        bold += b == Py_True;
        chars[k] = u;
        PyTuple_SET_ITEM(sorted, k, Py_NewRef(c));
    }
    /* the line's size: its one size to 0.1 pt, by Python's round (or the size itself when that is 0) */
    rounded = PyObject_CallMethod(size0, "__round__", "i", 1);
    if (rounded == NULL)
        goto done;
    int zero = PyObject_Not(rounded);
    if (zero < 0)
        goto done;
    size_obj = zero ? PyNumber_Float(size0) : PyNumber_Float(rounded);
    if (size_obj == NULL)
        goto done;
    if (n > 1 && !(max_gap <= gap_share * PyFloat_AS_DOUBLE(size_obj)))
        goto plain_no;
    text = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, chars, n);
    if (text == NULL)
        goto done;
    PyObject *bold_obj = PyBool_FromLong(bold * 2 > n);
    PyObject *argv[10] = {page, text, sorted, x0_min, top_min, x1_max, bottom_max, size_obj, color, bold_obj};
    result = PyObject_Vectorcall(line_type, argv, 10, NULL);
    Py_DECREF(bold_obj);
    goto done;
plain_no:
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(order);
    PyMem_Free(chars);
    Py_XDECREF(sorted);
    Py_XDECREF(text);
    Py_XDECREF(size_obj);
    Py_XDECREF(rounded);
    return result;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_O, "bind(addresses: dict[str, int]) -> None"},
    {"chars", chars, METH_O, "chars(textpage: int) -> (text, indices, styles, xs, ys, owners, keys, firsts)"},
    {"objects", objects, METH_O, "objects(page: int) -> (texts, others)"},
    {"boxes", boxes, METH_VARARGS, "boxes(text, styles, xs, ys, ex, base, char_type) -> list[Char | None]"},
    {"may_overprint", may_overprint, METH_VARARGS, "may_overprint(chars, tolerance) -> bool"},
    {"rows", rows, METH_O, "rows(chars) -> list[list[Char]] | None"},
    {"skipped", skipped, METH_VARARGS, "skipped(texts, used, forms, page, tolerance) -> (blanks, bold_owners)"},
    {"plain_line", plain_line, METH_VARARGS, "plain_line(page, row, line_type, space_gap) -> Line | None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Per-character loops of the extraction and cleanup in C, each with a Python reference.", -1, methods,
};

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }

"""The convolution-arithmetic explorer (book/_static/explorer/) in headless Chromium.

A sweep of input size, kernel, stride, padding, dilation (and output_padding for the
transposed mode) is typed into the page's number boxes, with the input events a reader's
typing fires. For every combination, what the page shows must agree with
convzoo.arithmetic (output size, or refusal), with torch (the printed call is run here and
must give the printed shape, or raise where the page says torch refuses), and the input
cells the page highlights for each output cell must be exactly the cells torch's output
depends on (one-hot inputs, a kernel of ones). The drawn grid itself is checked too: every
cell's kind (input, padding, inserted zero, output_padding, cropped), and convolving the
grid as drawn (for transposed mode: stride 1, flipped kernel) gives torch's output. Needs Debian's chromium and chromium-driver;
it does not need the built book (tests/explorer_harness/ loads the component directly).
"""
import math
import random
import re
import shutil
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from convzoo.arithmetic import conv_output_size, conv_transpose_output_size  # noqa: E402
from site_browser import CHROMEDRIVER, CHROMIUM, ROOT, chromium, serve  # noqa: E402

HARNESS = "tests/explorer_harness/index.html"
pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and shutil.which(CHROMEDRIVER)),
                                reason="needs Debian's chromium and chromium-driver")

MINUS, DOT, TIMES, LFLOOR, RFLOOR = "\u2212", "\u00b7", "\u00d7", "\u230a", "\u230b"
CONV_KEYS = ("n", "k", "s", "p", "d")
TRANSPOSE_KEYS = CONV_KEYS + ("op",)

# Types each combination into the number boxes (only the boxes whose value changes, each
# with an input event, as typing does), reads back everything the page shows, and, when
# asked, hovers every output cell and records which input cells light up.
SWEEP_JS = r"""
const [id, combos, wantReads] = arguments;
const root = document.getElementById(id);
const box = key => root.querySelector(`input[type=number][data-param="${key}"]`);
const text = sel => { const e = root.querySelector(sel); return e ? e.textContent : null; };
// displayed at all (style only: no layout forced after every change)
const shown = sel => { const e = root.querySelector(sel); return !!e && e.checkVisibility(); };
const records = [];
for (const combo of combos) {
  for (const [key, value] of Object.entries(combo)) {
    const b = box(key);
    if (b.value !== String(value)) {
      b.value = String(value);
      b.dispatchEvent(new Event('input', {bubbles: true}));
    }
  }
  const rec = {
    valid: root.dataset.valid, size: root.dataset.outputSize,
    sizeText: text('.cz-output-size'), symbols: text('.cz-formula-symbols'),
    formula: text('.cz-formula-numbers'), call: shown('.cz-torch-call') ? text('.cz-torch-call') : null,
    message: shown('.cz-message') ? text('.cz-message') : null,
    picture: shown('.cz-svg'), outputCells: root.querySelectorAll('rect.cz-out').length,
    reads: null, selectedOk: true, grid: null,
  };
  if (rec.picture) {            // the drawn input grid: kind of every cell, where the inputs are
    const cells = root.querySelectorAll('g.cz-input-grid rect');
    const inputs = [];
    for (const r of cells) if (r.dataset.kind === 'input') inputs.push(r.dataset.t + ':' + r.dataset.r + ',' + r.dataset.c);
    rec.grid = {size: Math.round(Math.sqrt(cells.length)), inputs: inputs.join(';'),
                kinds: Array.from(cells, r => r.dataset.kind[0] + r.dataset.kind[1]).join('')};
  }
  if (wantReads && rec.valid === 'true' && rec.picture) {
    rec.reads = {};
    const lit = root.querySelector('g.cz-input-grid').getElementsByClassName('cz-read');  // live
    for (const cell of root.querySelectorAll('rect.cz-out')) {
      cell.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
      const where = cell.dataset.i + ',' + cell.dataset.j;
      if (root.dataset.selected !== where) rec.selectedOk = false;
      const read = [];
      for (const r of lit) if (r.dataset.kind === 'input') read.push(r.dataset.r + ',' + r.dataset.c);
      rec.reads[where] = read.join(';');
    }
  }
  records.push(rec);
}
return records;
"""


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """The tensors here are tiny: one thread is ten times quicker than two on a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def browser():
    with serve(ROOT) as url, chromium(width=1000, height=1200) as driver:
        yield url, driver


@pytest.fixture
def page(browser):
    """The harness page, loaded over http once for the module."""
    url, driver = browser
    if not driver.current_url.startswith(f"{url}/{HARNESS}"):
        driver.get(f"{url}/{HARNESS}")
    return driver


def sweep(driver, mode, combos, reads=True):
    keys = CONV_KEYS if mode == "conv" else TRANSPOSE_KEYS
    payload = [{key: str(c[key]) for key in keys} for c in combos]
    return driver.execute_script(SWEEP_JS, mode, payload, reads)


def severe_console_messages(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


# ---- what the page should say, computed here ------------------------------------------------

def num(x):
    return f"{MINUS}{-x}" if x < 0 else str(x)


def expected_formula(mode, c):
    n, k, s, p, d = (c[key] for key in CONV_KEYS)
    if mode == "conv":
        numer = n + 2 * p - d * (k - 1) - 1
        return (f"= {LFLOOR}({n} + 2{DOT}{p} {MINUS} {d}{DOT}({k} {MINUS} 1) {MINUS} 1) / {s}{RFLOOR}"
                f" + 1 = {LFLOOR}{num(numer)} / {s}{RFLOOR} + 1 = {num(numer // s)} + 1 = "
                f"{num(numer // s + 1)}")
    op = c["op"]
    a, b, cc = (n - 1) * s, 2 * p, d * (k - 1)
    return (f"= ({n} {MINUS} 1){DOT}{s} {MINUS} 2{DOT}{p} + {d}{DOT}({k} {MINUS} 1) + {op} + 1 = "
            f"{a} {MINUS} {b} + {cc} + {op} + 1 = {num(a - b + cc + op + 1)}")


def evaluate_chain(formula):
    """Every side of the page's '= ... = ... = o' chain, evaluated by Python."""
    python = (formula.replace(LFLOOR, "math.floor(").replace(RFLOOR, ")")
              .replace(DOT, "*").replace(MINUS, "-"))
    return [eval(side, {"math": math}) for side in python.split("=") if side.strip()]


def library_size(mode, c):
    """convzoo's output size, or None where it refuses the arguments."""
    try:
        if mode == "conv":
            return conv_output_size(c["n"], c["k"], c["s"], c["p"], c["d"])
        return conv_transpose_output_size(c["n"], c["k"], c["s"], c["p"], c["op"], c["d"])
    except ValueError:
        return None


def torch_size(mode, c):
    """The output size of the same call built here (not parsed from the page), or None."""
    x, w = torch.zeros(1, 1, c["n"], c["n"]), torch.zeros(1, 1, c["k"], c["k"])
    try:
        if mode == "conv":
            y = F.conv2d(x, w, stride=c["s"], padding=c["p"], dilation=c["d"])
        else:
            y = F.conv_transpose2d(x, w, stride=c["s"], padding=c["p"], output_padding=c["op"],
                                   dilation=c["d"])
    except RuntimeError:
        return None
    assert y.shape[2] == y.shape[3]
    # A transposed output of size 0 is refused by torch's own checks, but its oneDNN CPU
    # path (kernel >= 4, one image, one channel) returns an empty tensor instead. Neither
    # is an output to draw.
    return y.shape[2] if y.shape[2] >= 1 else None


def torch_reads(mode, c):
    """{(i, j): {(r, c), ...}}: the input cells output (i, j) depends on, found by torch.

    Input e of a batch of one-hot images is 1 at cell e only; with a kernel of ones, output
    (i, j) of image e is non-zero exactly when that output reads cell e."""
    n = c["n"]
    eye = torch.eye(n * n, dtype=torch.float64).reshape(n * n, 1, n, n)
    w = torch.ones(1, 1, c["k"], c["k"], dtype=torch.float64)
    if mode == "conv":
        y = F.conv2d(eye, w, stride=c["s"], padding=c["p"], dilation=c["d"])
    else:
        y = F.conv_transpose2d(eye, w, stride=c["s"], padding=c["p"], output_padding=c["op"],
                               dilation=c["d"])
    nonzero = (y[:, 0] != 0).nonzero().tolist()
    reads = {(i, j): set() for i in range(y.shape[2]) for j in range(y.shape[3])}
    for e, i, j in nonzero:
        reads[(i, j)].add(divmod(e, n))
    return reads


def expected_kinds(mode, c, size):
    """The kind of every cell of the drawn grid, row by row, two letters each.

    conv: the padded input. transpose: the zero-insertion view, whose cells g = 0 .. o-1+d(k-1)
    are read by a stride-1 convolution; input a sits at g = d(k-1) - p + a*s; the last
    output_padding cells are what output_padding adds; cells outside are cropped."""
    n, k, s, p, d = (c[key] for key in CONV_KEYS)
    if mode == "conv":
        axis = ["in" if p <= t < p + n else "pa" for t in range(n + 2 * p)]
    else:
        o = conv_transpose_output_size(n, k, s, p, c["op"], d)
        q, end = d * (k - 1) - p, o - 1 + d * (k - 1)
        inputs = {q + a * s for a in range(n)}
        axis = []
        for g in range(min(0, q), max(end, q + (n - 1) * s) + 1):
            axis.append("cr" if not 0 <= g <= end else "in" if g in inputs else
                        "ze" if q < g < q + (n - 1) * s else "ou" if g > end - c["op"] else "pa")
    assert len(axis) == size, f"{mode} {c}: grid of {size} cells a side, expected {len(axis)}"
    order = ("cr", "in", "ou", "pa", "ze")          # a cell takes the first kind of its row or column
    def kind(a, b):
        if a == b == "in":
            return "in"
        return min((a, b), key=lambda x: order.index(x) if x != "in" else len(order))
    return "".join(kind(a, b) for a in axis for b in axis)


def check_picture(mode, c, grid):
    """The drawn grid is the one the page says: convolving it gives torch's output.

    conv: the padded grid, convolved with stride s and dilation d and no padding, gives
    conv2d(x, w, stride, padding, dilation). transpose: the zero-insertion grid without its
    cropped cells, convolved with stride 1, dilation d and the flipped kernel, gives
    conv_transpose2d(x, w, ...)."""
    where = f"{mode} {c}"
    size = grid["size"]
    assert grid["kinds"] == expected_kinds(mode, c, size), f"{where}: cell kinds"
    g = torch.Generator().manual_seed(0)
    n, k = c["n"], c["k"]
    x = torch.randn(1, 1, n, n, generator=g, dtype=torch.float64)
    w = torch.randn(1, 1, k, k, generator=g, dtype=torch.float64)
    z = torch.zeros(1, 1, size, size, dtype=torch.float64)
    placed = [tuple(map(int, re.split("[,:]", e))) for e in grid["inputs"].split(";") if e]
    for tr, tc, r, cc in placed:
        z[0, 0, tr, tc] = x[0, 0, r, cc]
    if mode == "conv":
        assert len(placed) == n * n, where
        drawn = F.conv2d(z, w, stride=c["s"], dilation=c["d"])
        want = F.conv2d(x, w, stride=c["s"], padding=c["p"], dilation=c["d"])
    else:
        kinds = [grid["kinds"][2 * i: 2 * i + 2] for i in range(size * size)]
        keep = [t for t in range(size) if kinds[t * size + t] != "cr"]   # the diagonal's rows
        z = z[:, :, keep[0]: keep[-1] + 1, keep[0]: keep[-1] + 1]
        drawn = F.conv2d(z, w.flip(2, 3), dilation=c["d"])
        want = F.conv_transpose2d(x, w, stride=c["s"], padding=c["p"], output_padding=c["op"],
                                  dilation=c["d"])
    assert drawn.shape == want.shape and torch.allclose(drawn, want), \
        f"{where}: convolving the drawn grid does not give torch's output"


CALL = re.compile(r"x = torch\.randn\(1, 1, (\d+), (\d+)\).*\n"
                  r"w = torch\.randn\(1, 1, (\d+), (\d+)\).*\n"
                  r"y = torch\.nn\.functional\.(\w+)\(x, w, ([^)]*)\)\n"
                  r"print\(y\.shape\)  # (.*)$")


def run_printed_call(call):
    """Run the page's code as a reader would paste it: the shape it prints, or the exception."""
    printed = []
    try:
        exec(call, {"print": printed.append})
    except Exception as error:                       # noqa: BLE001 - any refusal counts
        return error
    return printed[0]


def check_record(mode, c, rec):
    """Everything the page shows for combination c against convzoo and torch."""
    where = f"{mode} {c}"
    size = library_size(mode, c)
    assert torch_size(mode, c) == size, f"{where}: convzoo and torch disagree"

    # the torch call: the right function and arguments, and it does what the page says
    match = CALL.search(rec["call"] or "")
    assert match, f"{where}: no torch call in the page: {rec['call']!r}"
    xh, xw, kh, kw, fn, args, comment = match.groups()
    assert (int(xh), int(xw), int(kh), int(kw)) == (c["n"], c["n"], c["k"], c["k"]), where
    assert fn == ("conv2d" if mode == "conv" else "conv_transpose2d"), where
    names = {"stride": "s", "padding": "p", "dilation": "d", "output_padding": "op"}
    kwargs = dict(kv.split("=") for kv in args.split(", "))
    assert {names[k]: int(v) for k, v in kwargs.items()} == \
        {key: c[key] for key in (CONV_KEYS[2:] if mode == "conv" else TRANSPOSE_KEYS[2:])}, where
    result = run_printed_call(rec["call"])

    assert rec["symbols"] and rec["formula"] == expected_formula(mode, c), \
        f"{where}: formula {rec['formula']!r}"
    sides = evaluate_chain(rec["formula"])
    assert len(set(sides)) == 1, f"{where}: the formula's sides differ: {rec['formula']!r} -> {sides}"

    if size is not None:
        assert rec["valid"] == "true", f"{where}: page refuses what torch accepts: {rec['message']}"
        assert rec["size"] == str(size), where
        assert rec["sizeText"] == f"{size} {TIMES} {size}", where
        assert sides[0] == size, where
        assert rec["message"] is None, where
        assert str(result) == comment == f"torch.Size([1, 1, {size}, {size}])", \
            f"{where}: printed call gives {result}, page says {comment}"
        assert rec["picture"] and rec["outputCells"] == size * size, where
        check_picture(mode, c, rec["grid"])
        if rec["reads"] is not None:
            assert rec["selectedOk"], f"{where}: hovering an output did not choose it"
            page_reads = {tuple(map(int, k.split(","))):
                          {tuple(map(int, rc.split(","))) for rc in v.split(";") if v}
                          for k, v in rec["reads"].items()}
            assert page_reads == torch_reads(mode, c), f"{where}: highlighted cells differ from torch"
    else:
        assert rec["valid"] == "false", f"{where}: page shows output {rec['size']}, torch refuses"
        assert rec["size"] == "" and rec["message"] and rec["message"].startswith("No output"), where
        assert not rec["picture"] and rec["outputCells"] == 0, f"{where}: a picture of nothing"
        if mode == "transpose" and sides[0] == 0 and c["op"] < max(c["s"], c["d"]):
            # size 0: an error, or an empty tensor on torch's oneDNN path (see torch_size)
            assert isinstance(result, RuntimeError) or str(result) == "torch.Size([1, 1, 0, 0])", where
            assert comment == "torch raises RuntimeError (or gives torch.Size([1, 1, 0, 0]))", where
        else:
            assert isinstance(result, RuntimeError), f"{where}: printed call did not raise: {result}"
            assert comment == "torch raises RuntimeError", where


# ---- the sweeps --------------------------------------------------------------------------------

def ordered(combos, keys):
    """Unique combinations, sorted so that neighbours differ in few boxes."""
    unique = {tuple(c[k] for k in keys): c for c in combos}
    return [unique[t] for t in sorted(unique)]


def conv_combos():
    rng = random.Random(20261126)
    keys = CONV_KEYS
    combos = [dict(zip(keys, (rng.randint(1, 10), rng.randint(1, 5), rng.randint(1, 5),
                              rng.randint(0, 3), rng.randint(1, 3)))) for _ in range(330)]
    edges = [
        (1, 1, 1, 0, 1),            # 1x1 input and kernel
        (5, 5, 1, 0, 1),            # kernel equal to the input
        (5, 7, 1, 1, 1),            # kernel equal to the padded input
        (3, 5, 2, 1, 1),            # ... with a stride
        (3, 3, 1, 1, 2),            # dilated kernel spans exactly the padded input
        (2, 3, 1, 1, 2),            # dilated kernel one cell too wide: refused
        (4, 6, 1, 0, 1),            # kernel larger than the input: refused
        (9, 2, 5, 0, 1),            # stride larger than the kernel: cells nobody reads
        (10, 1, 4, 0, 1),           # 1x1 kernel, stride 4
        (8, 3, 3, 1, 1),            # floor throws the last rows away
        (7, 3, 1, 3, 3),            # dilation 3 with padding
        (1, 1, 5, 3, 1),            # padding larger than the input
        (12, 3, 2, 1, 1),           # beyond the slider's range
        (16, 7, 1, 6, 4),           # largest slider values
    ]
    combos += [dict(zip(keys, e)) for e in edges]
    return ordered(combos, keys)


def transpose_combos():
    rng = random.Random(20261127)
    keys = TRANSPOSE_KEYS
    combos = []
    for _ in range(330):
        n, k, s, p, d = (rng.randint(1, 6), rng.randint(1, 4), rng.randint(1, 4),
                         rng.randint(0, 3), rng.randint(1, 3))
        # output_padding up to max(stride, dilation), the first value torch refuses
        combos.append(dict(zip(keys, (n, k, s, p, d, rng.randint(0, max(s, d))))))
    edges = [
        (1, 1, 1, 0, 1, 0),         # 1x1 in, 1x1 out
        (1, 1, 1, 1, 1, 0),         # padding crops the only output: refused
        (2, 1, 1, 1, 1, 0),         # output 0: refused
        (3, 3, 2, 1, 1, 1),         # the usual 2x upsampling
        (4, 4, 2, 1, 1, 0),         # kernel 4 stride 2 (DCGAN)
        (3, 3, 2, 1, 1, 2),         # output_padding = stride: refused
        (3, 3, 1, 0, 3, 2),         # output_padding < dilation though >= stride: allowed
        (3, 3, 1, 0, 3, 3),         # output_padding = max(stride, dilation): refused
        (4, 2, 2, 2, 1, 0),         # padding > d(k-1): the zero-inserted input is cropped
        (4, 2, 3, 3, 1, 2),         # crop larger than output_padding
        (2, 2, 4, 0, 1, 3),         # stride larger than the kernel, output_padding 3
        (3, 3, 2, 0, 2, 1),         # dilation 2
        (5, 1, 3, 0, 1, 0),         # 1x1 kernel: isolated inputs
    ]
    combos += [dict(zip(keys, e)) for e in edges]
    return ordered(combos, keys)


@pytest.mark.parametrize("mode, combos", [("conv", conv_combos()), ("transpose", transpose_combos())],
                         ids=["conv", "transpose"])
def test_page_agrees_with_convzoo_and_torch_over_a_sweep(page, mode, combos):
    page.get_log("browser")
    records = sweep(page, mode, combos)
    assert len(records) == len(combos) >= 300
    for c, rec in zip(combos, records):
        check_record(mode, c, rec)
    refused = sum(library_size(mode, c) is None for c in combos)
    assert 20 <= refused <= len(combos) - 200, "the sweep should have both kinds"
    assert sum(r["reads"] is not None for r in records) == len(combos) - refused
    assert severe_console_messages(page) == []


BAD_VALUES = [("n", "0"), ("n", "-2"), ("k", "0"), ("s", "0"), ("s", "-1"), ("p", "-1"),
              ("d", "0"), ("op", "-1"), ("s", "2.5"), ("k", "")]


@pytest.mark.parametrize("mode", ["conv", "transpose"])
def test_non_positive_or_non_integer_values_show_a_message_instead_of_a_picture(page, mode):
    page.get_log("browser")
    keys = CONV_KEYS if mode == "conv" else TRANSPOSE_KEYS
    good = {"n": 5, "k": 3, "s": 2, "p": 1, "d": 1, "op": 1}
    cases = [dict(good, **{key: value}) for key, value in BAD_VALUES if key in keys]
    for case, rec in zip(cases, sweep(page, mode, cases)):
        key = next(k for k in keys if str(case[k]) != str(good[k]))
        assert rec["valid"] == "false" and rec["size"] == "", case
        assert rec["message"] and rec["message"].startswith("No output"), case
        assert not rec["picture"] and rec["outputCells"] == 0, case
        whole = re.fullmatch(r"-?\d+", str(case[key]))
        if whole:      # torch is shown refusing the same call
            assert isinstance(run_printed_call(rec["call"]), RuntimeError), case
        else:
            assert "whole number" in rec["message"] and rec["call"] is None, case
    # a good value again brings the picture back
    rec = sweep(page, mode, [good])[0]
    assert rec["valid"] == "true" and rec["picture"] and rec["message"] is None
    assert severe_console_messages(page) == []


def test_a_grid_too_large_to_draw_still_shows_its_numbers(page):
    rec = sweep(page, "conv", [{"n": 200, "k": 3, "s": 1, "p": 0, "d": 1}], reads=False)[0]
    assert rec["valid"] == "true" and rec["size"] == "198" and not rec["picture"]
    assert "too large" in page.find_element("css selector", "#conv .cz-figure-note").text
    sweep(page, "conv", [{"n": 7, "k": 3, "s": 2, "p": 1, "d": 1}], reads=False)


def test_sliders_buttons_and_arrow_keys_drive_the_explorer(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page.get_log("browser")
    sweep(page, "conv", [{"n": 7, "k": 3, "s": 2, "p": 1, "d": 1}], reads=False)
    root = page.find_element(By.ID, "conv")
    # every number box has a label
    for box in root.find_elements(By.CSS_SELECTOR, "input[type=number]"):
        labels = root.find_elements(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']")
        assert len(labels) == 1 and labels[0].text.strip()
    # a slider moves its number box and the output
    page.execute_script("""
        const s = arguments[0].querySelector('input[type=range][data-param="s"]');
        s.value = '1'; s.dispatchEvent(new Event('input', {bubbles: true}));""", root)
    assert root.find_element(By.CSS_SELECTOR, "input[type=number][data-param='s']").get_attribute("value") == "1"
    assert root.get_attribute("data-output-size") == "7"
    # keyboard on the picture, then the buttons
    picture = root.find_element(By.CSS_SELECTOR, "svg.cz-svg")
    page.execute_script("arguments[0].focus()", picture)
    picture.send_keys(Keys.HOME)
    assert root.get_attribute("data-selected") == "0,0"
    picture.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_DOWN)
    assert root.get_attribute("data-selected") == "1,2"
    picture.send_keys(Keys.END)
    assert root.get_attribute("data-selected") == "6,6"
    root.find_element(By.CSS_SELECTOR, "button.cz-next").click()        # wraps around
    assert root.get_attribute("data-selected") == "0,0"
    root.find_element(By.CSS_SELECTOR, "button.cz-prev").click()
    assert root.get_attribute("data-selected") == "6,6"
    assert "Output (6, 6)" in root.find_element(By.CSS_SELECTOR, ".cz-selection").text
    # a smaller output keeps the chosen cell inside it
    sweep(page, "conv", [{"n": 7, "k": 3, "s": 3, "p": 1, "d": 1}], reads=False)
    assert root.get_attribute("data-selected") == "2,2"
    assert severe_console_messages(page) == []


def test_the_explorer_works_from_a_file_url_with_nothing_but_its_own_files(browser):
    _, driver = browser
    driver.get_log("browser")
    driver.get((ROOT / HARNESS).as_uri())
    sizes = driver.execute_script("""
        return Array.from(document.querySelectorAll('.convzoo-explorer'),
                          e => [e.dataset.mode, e.dataset.outputSize]);""")
    assert sizes == [["conv", "4"], ["transpose", "6"]]
    # the style sheet came too (file:// loads do not show in the resource timing list)
    assert driver.execute_script("""return getComputedStyle(
        document.querySelector('.convzoo-explorer .cz-controls')).display""") == "grid"
    assert severe_console_messages(driver) == []

#!/usr/bin/env python3
"""Issue 31: would a Japanese morphological analyzer (MeCab via fugashi, with
IPADIC's 名詞,固有名詞,組織 tag) find the carrier a notice names better than
jiko's hand rules?  Measured on the tuning corpus only
(tests/fixtures/notices); the held-out corpus is never opened.

    python3 -m venv /tmp/nerenv && /tmp/nerenv/bin/pip install fugashi ipadic
    /tmp/nerenv/bin/python bench/ner/measure.py [--jiko target/release/jiko] [--details]

Scoring is jiko's own (tests/it/notices.rs, carrier_right): keys by
carrier_key (NFKC, no white space, ASCII lower case, (株)→株式会社 ...);
a guess is right if its key contains a listed name's key or the other way
round; when the notice names none, right only if there is no guess and the
page's host equals `domain` (when set).
"""
import argparse, collections, html, re, statistics, subprocess, sys, time, tomllib, unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests/fixtures/notices"          # tuning corpus only
COMPANY_FORMS = [("(株)", "株式会社"), ("(有)", "有限会社"), ("(同)", "合同会社")]


def carrier_key(s: str) -> str:
    """crates/jiko-records/src/normalize.rs: match_key + COMPANY_FORMS."""
    k = unicodedata.normalize("NFKC", s.lstrip("\ufeff").strip()).strip()
    k = "".join(c for c in k if not c.isspace())
    k = "".join(c.lower() if c.isascii() else c for c in k)
    for short, long in COMPANY_FORMS:
        k = k.replace(short, long)
    return k


STRICT = False   # --strict: the key must equal a listed key, company forms dropped


def bare(k: str) -> str:
    return re.sub(r"株式会社|有限会社|合同会社", "", k)


def matches(guess: str, listed: list[str]) -> bool:
    g = carrier_key(guess)
    if not g:
        return False
    if STRICT:
        return any(bare(g) == bare(w) for w in map(carrier_key, listed))
    return any(g in w or w in g for w in map(carrier_key, listed))


def right(guess, e, host) -> bool:
    """carrier_right: guess None = no carrier."""
    listed = e.get("carrier", [])
    if guess is not None and listed:
        return matches(guess, listed)
    if guess is None and not listed:
        return e.get("domain") is None or host == e["domain"]
    return False


def host_of(url: str):
    """src/draft/text.rs Text::host."""
    if "://" not in url:
        return None
    h = re.split(r"[/?#]", url.split("://", 1)[1])[0]
    return h if "." in h else None


def plain(text: str, ext: str) -> str:
    """The notice's text without its `URL:` line; HTML without tags."""
    lines = text.splitlines()
    body = "\n".join(lines[1:]) if lines and lines[0].startswith("URL:") else text
    if ext == ".html":
        body = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", body)
        body = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d)>", "\n", body)
        body = html.unescape(re.sub(r"(?s)<[^>]+>", " ", body))
    return body


def corpus():
    for toml_path in sorted(CORPUS.glob("*.toml")):
        stem = toml_path.stem
        text_path = next(p for x in ("txt", "md", "html") if (p := CORPUS / f"{stem}.{x}").is_file())
        text = text_path.read_text(encoding="utf-8")
        e = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        yield stem, text_path, text, e


# Tokens that end or make a company name in variant B.
SUFFIXES = ("株式会社", "(株)", "㈱", "有限会社", "社", "電話", "通信", "ネットワークス", "ネットワーク",
            "コミュニケーションズ", "テレコム", "モバイル", "ケーブルテレビ", "インターネット", "ネット", "テレビ", "放送")


def candidates(tagger, body: str):
    """Per line: (A) runs of 名詞,固有名詞,組織 tokens; (B) runs of nouns that hold
    a 固有名詞 and a company suffix; (C) noun runs holding 株式会社/(株)/有限会社."""
    org, comp, form = [], [], []
    for line in body.splitlines():
        if not line.strip():
            continue
        toks = [(w.surface, w.feature) for w in tagger(line)]
        # A: 組織 runs
        run = []
        for s, f in toks + [("", ("EOS",))]:
            if f[0] == "名詞" and len(f) > 2 and f[1] == "固有名詞" and f[2] == "組織":
                run.append(s)
            else:
                if run:
                    org.append("".join(run))
                run = []
        # B: noun runs (symbols ・ & - ( ) inside kept) with a proper noun and a company form
        run, has_prop, has_suf = [], False, False

        def flush():
            name = "".join(run).strip("・-()（）")
            if run and has_prop and has_suf and len(name) > 1:
                comp.append(name)
            # C: any noun run holding a company form (no 固有名詞 needed)
            if any(x in name for x in ("株式会社", "(株)", "㈱", "有限会社")) and name not in ("株式会社", "(株)", "㈱", "有限会社"):
                form.append(name)

        for i, (s, f) in enumerate(toks + [("", ("EOS",))]):
            nounish = f[0] == "名詞" and f[1] not in ("数", "非自立", "代名詞") or \
                (f[0] == "記号" and s in "・&＆-－()（）" and run) or \
                (f[0] == "接頭詞" and s in ("株式会社",)) or s in ("株式会社", "(株)", "㈱")
            if nounish:
                run.append(s)
                has_prop |= f[1] == "固有名詞" or bool(re.fullmatch(r"[A-Za-zＡ-Ｚａ-ｚ][\w!:.\-]*", s))
                has_suf |= s in SUFFIXES or any(s.endswith(x) for x in ("株式会社", "通信", "電話", "ネットワークス", "コミュニケーションズ"))
            else:
                flush()
                run, has_prop, has_suf = [], False, False
    return org, comp, form


def most_frequent(c):
    if not c:
        return None
    keys = [carrier_key(x) for x in c]
    counts = collections.Counter(keys)
    best = max(counts.values())
    return next(x for x, k in zip(c, keys) if counts[k] == best)   # ties: first seen


def jiko_answer(jiko: str, path: Path):
    err = subprocess.run([jiko, "--lang", "en", "draft", str(path)], capture_output=True, text=True).stderr
    line = next((l for l in err.splitlines() if l.startswith("  carrier:")), "")
    m = re.match(r"  carrier: (.*) \(line \d+, ", line)
    return m.group(1) if m else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jiko", default=str(ROOT / "target/release/jiko"))
    ap.add_argument("--details", action="store_true")
    ap.add_argument("--strict", action="store_true", help="exact key match instead of jiko's either-way substring")
    a = ap.parse_args()
    global STRICT
    STRICT = a.strict

    t0 = time.perf_counter()
    import fugashi, ipadic
    tagger = fugashi.GenericTagger(ipadic.MECAB_ARGS)
    tagger("起動")
    load = time.perf_counter() - t0

    rows, tok_time, jiko_time, chars = [], 0.0, 0.0, 0
    for stem, path, text, e in corpus():
        body = plain(text, path.suffix)
        chars += len(body)
        t0 = time.perf_counter()
        org, comp, form = candidates(tagger, body)
        tok_time += time.perf_counter() - t0
        t0 = time.perf_counter()
        j = jiko_answer(a.jiko, path)
        jiko_time += time.perf_counter() - t0
        host = host_of(e["url"])
        listed = e.get("carrier", [])
        both = org + comp
        allc = org + comp + form
        rows.append(dict(
            name=stem, listed=listed, named=bool(listed), jiko=j, org=org, comp=comp,
            rec_org=bool(listed) and any(matches(c, listed) for c in org),
            rec_comp=bool(listed) and any(matches(c, listed) for c in comp),
            rec_both=bool(listed) and any(matches(c, listed) for c in both),
            rec_form=bool(listed) and any(matches(c, listed) for c in form),
            rec_all=bool(listed) and any(matches(c, listed) for c in allc),
            form=form, n_form=len({carrier_key(c) for c in form}), n_all=len({carrier_key(c) for c in allc}),
            formfirst_ok=right(form[0] if form else None, e, host),
            formfreq_ok=right(most_frequent(form), e, host),
            formA_ok=right(form[0] if form else most_frequent(org), e, host),
            n_org=len({carrier_key(c) for c in org}), n_comp=len({carrier_key(c) for c in comp}),
            jiko_ok=right(j, e, host),
            freq_ok=right(most_frequent(org), e, host), first_ok=right(org[0] if org else None, e, host),
            freqB_ok=right(most_frequent(both), e, host), firstB_ok=right(both[0] if both else None, e, host),
            freq=most_frequent(org), first=org[0] if org else None, freqB=most_frequent(both),
            # jiko first; the analyzer only where jiko names none
            fallback_ok=right(j if j is not None else most_frequent(org), e, host),
        ))

    n = len(rows); named = [r for r in rows if r["named"]]; none = [r for r in rows if not r["named"]]
    pct = lambda k, rs: f"{sum(r[k] for r in rs):>3}/{len(rs):<3} {100*sum(r[k] for r in rs)/max(len(rs),1):5.1f}%"
    print(f"tuning notices: {n} ({len(named)} name a carrier, {len(none)} name none)\n")
    print("candidate-set recall (notices naming a carrier):")
    print(f"  A 組織 runs                         {pct('rec_org', named)}")
    print(f"  B 固有名詞 + company suffix         {pct('rec_comp', named)}")
    print(f"  A or B                              {pct('rec_both', named)}")
    print(f"  C noun run with 株式会社/(株)         {pct('rec_form', named)}")
    print(f"  A or B or C                         {pct('rec_all', named)}")
    for k, lab in (("n_org", "A"), ("n_comp", "B"), ("n_form", "C"), ("n_all", "A∪B∪C")):
        v = [r[k] for r in rows]
        print(f"  distinct {lab} candidates per notice: median {statistics.median(v)}, mean {statistics.mean(v):.1f}, max {max(v)}, none in {sum(x == 0 for x in v)}")
    print("\ncarrier accuracy, jiko's scoring (all notices | naming one | naming none):")
    for k, lab in (("jiko_ok", "jiko (shipped binary)"), ("freq_ok", "A most frequent 組織"), ("first_ok", "A first 組織"),
                   ("freqB_ok", "A∪B most frequent"), ("firstB_ok", "A∪B first"),
                   ("formfirst_ok", "C first"), ("formfreq_ok", "C most frequent"), ("formA_ok", "C first, else A most frequent"), ("fallback_ok", "jiko, else A most frequent")):
        print(f"  {lab:32} {pct(k, rows)} | {pct(k, named)} | {pct(k, none)}")
    print("\nanalyzer set (A∪B) holds the carrier, jiko wrong:", " ".join(r["name"] for r in named if r["rec_both"] and not r["jiko_ok"]) or "-")
    print("A most frequent right, jiko wrong:", " ".join(r["name"] for r in rows if r["freq_ok"] and not r["jiko_ok"]) or "-")
    print("analyzer set (A∪B∪C) holds the carrier, jiko wrong:", " ".join(r["name"] for r in named if r["rec_all"] and not r["jiko_ok"]) or "-")
    print("jiko right, analyzer set (A∪B) misses:", " ".join(r["name"] for r in named if r["jiko_ok"] and not r["rec_both"]) or "-")
    print("jiko right, analyzer set (A∪B∪C) misses:", " ".join(r["name"] for r in named if r["jiko_ok"] and not r["rec_all"]) or "-")
    print("both miss (naming one; A∪B∪C):", " ".join(r["name"] for r in named if not r["jiko_ok"] and not r["rec_all"]) or "-")
    print("jiko wrong where none is named:", " ".join(r["name"] for r in none if not r["jiko_ok"]) or "-")
    print(f"\nmatching: {'strict (equal keys, company forms dropped)' if STRICT else 'jiko (either key contains the other)'}")
    print(f"cost: import + dictionary load {load:.2f} s; tokenizing + candidates {tok_time:.2f} s for {chars} characters "
          f"({n} notices); jiko draft (process per notice) {jiko_time:.2f} s")
    if a.details:
        for r in rows:
            print(f"\n{r['name']}: listed={r['listed']} jiko={r['jiko']!r} ok={r['jiko_ok']} freq={r['freq']!r} first={r['first']!r} freqB={r['freqB']!r}")
            print("   A:", sorted(collections.Counter(r['org']).items(), key=lambda x: -x[1])[:8])
            print("   B:", sorted(collections.Counter(r['comp']).items(), key=lambda x: -x[1])[:8])
            print("   C:", sorted(collections.Counter(r['form']).items(), key=lambda x: -x[1])[:8])


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generate a benchmark site: N bilingual articles for digest.

    python3 bench/corpus.py --articles 10000 --out bench/out/site-10000

Writes digest.yaml, content/tags.yaml (about 300 topics), the default theme
(copied from this repository) and content/<section>/<slug>.{ar,en}.md with
realistic front matter and 400-900 word Markdown bodies (headings, lists,
quotes, links) in Arabic and English. Topics follow a Zipf-like popularity:
a few appear on many stories, most on few. Six stories in ten carry a
byline from a staff of 40 writers in content/authors.yaml (a few write
most of them), named by key or by name. The output depends only on the
seed, so every run measures the same site.
"""

import argparse
import datetime
import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Vocabulary drawn from the seed article and its translation.
AR_WORDS = """قالت واشنطن إنها ستبقي قواتها الأميركية في العراق والتي يبلغ عددها عسكري لكن
دورها تحول من قتالي إلى غير قائد القيادة المركزية الجنرال بين أن القوات ستبقى لتقديم
الدعم الجوي والمساعدات العسكرية الأخرى في قتال ضد تنظيم ولفت مقابلة مع وكالة تصعيد
العنف من قبل الميليشيات المدعومة إيران على قد يستمر خلال الشهر الحالي وأشار تريد
مغادرة جميع لكننا لن نغادر مما يثير ردا اقترابنا نهاية الجاري وكانت وبغداد اتفقتا
تموز المنصرم انسحاب القتالية هذا العام الولائية تشكك بتنفيذ للاتفاق وهددت بأنها
ستدخل حرب مفتوحة إن لم تنسحب ليلة رأس السنة الميلادية المقبلة المقابل أكدت قيادة
العمليات العراقية المشتركة ستغادر بالكامل قبل نافية بيان لها ما صدر بعض وسائل الإعلام
بشأن بقاء وشددت أنه تم الاتفاق بين والولايات المتحدة وفق متبنيات الحوار الاستراتيجي
نقل الأفراد ذوي الدور خارج والإعلان رسميا عن إنهاء المهام موضحة بأن المتبقية ستكون
موجودة والمشورة والتمكين للقوات الأمنية وأشارت معظم بالفعل وسيتم إخلاء الأيام القادمة
وستحل محلها مجموعة المستشارين لدعم يذكر سحب كانون الأول ديسمبر جاء ضمن مخرجات وعقد
الحكومتين بواقع جولات وبدأ حزيران يونيو بعهد الرئيس السابق وانتهى الماضي وقاد الجانب
رئيس الحكومة وجرت الجولة الأولى افتراضية والثانية ميدانية بلقاء واشنطن آب أغسطس أما
الثالثة فجرت كما فيما كانت الرابعة العاصمة ومن التعاون بمجالات الاقتصاد والأمن والثقافة
والتعليم والسياسة وفتح باب استثمار الشركات التركيز الأكبر بخصوص النقطة التي جرى عليها
بانسحاب لأن القوى الموالية لإيران تعتبر تلك محتلة ويجب مقاومتها وتتواجد منذ صيف بطلب
آنذاك وتحديدا الوزراء الأسبق وجاء الطلب حينها أجل مساعدة حربه الذي سيطر ثلث مساحة
البلاد وقتذاك""".split()

EN_WORDS = """washington said it will keep its american forces in iraq which number troops but
their role has shifted from combat to non-combat the commander of central command general
explained that will remain provide air support and other military assistance fight against
organisation in an interview with associated press pointed out escalation violence by
iran-backed militias may continue during current month he noted want all leave we are not
leaving provoke response as approach end this baghdad agreed july on withdrawal year loyal
doubt implement agreement have threatened enter open war if they do coming new eve for part
joint operations confirmed entirely before denying statement what some media outlets had
reported about staying stressed united states line commitments strategic dialogue move
personnel role out officially announce missions remaining present advice enablement security
most already left withdrawn days replaced group advisers outcome between governments held
over rounds began june under former president ended last current side led prime minister
first round virtually second person meeting august third virtual like while fourth capital
among outcomes cooperation economy culture education politics opening door investment
companies greatest focus point regard those occupiers must resisted present since summer at
request government time specifically request made so would help its controlled third
country territory""".split()

SECTIONS = ["news", "analysis", "world", "economy", "opinion"]
SECTION_LABELS = {
    "news": ("أخبار", "News"),
    "analysis": ("تحليل", "Analysis"),
    "world": ("العالم", "World"),
    "economy": ("اقتصاد", "Economy"),
    "opinion": ("رأي", "Opinion"),
}


def sentence(rng, words, lo=8, hi=18):
    n = rng.randint(lo, hi)
    return " ".join(rng.choice(words) for _ in range(n))


def paragraph(rng, words, arabic):
    end = "." if not arabic else "."
    s = [sentence(rng, words) for _ in range(rng.randint(2, 5))]
    text = (end + " ").join(s) + end
    return text[0].upper() + text[1:] if not arabic else text


def body(rng, words, arabic, target, links):
    """Markdown of about `target` words."""
    parts = []
    count = 0
    headings = 0
    while count < target:
        roll = rng.random()
        if roll < 0.08 and headings < 4:
            parts.append("## " + sentence(rng, words, 3, 7))
            headings += 1
        elif roll < 0.14:
            items = [sentence(rng, words, 4, 10) for _ in range(rng.randint(3, 5))]
            parts.append("\n".join("- " + i for i in items))
            count += sum(len(i.split()) for i in items)
        elif roll < 0.19:
            q = sentence(rng, words, 10, 22)
            parts.append("> " + ("«" + q + "»" if arabic else "“" + q + "”"))
            count += len(q.split())
        else:
            p = paragraph(rng, words, arabic)
            if links and rng.random() < 0.3:
                text, href = links.pop()
                p += " [" + text + "](" + href + ")"
            parts.append(p)
            count += len(p.split())
    return "\n\n".join(parts) + "\n"


def zipf_weights(n, s=1.0):
    return [1.0 / (k ** s) for k in range(1, n + 1)]


def make_topics(rng, count):
    topics = []
    for i in range(count):
        ar = " ".join(rng.choice(AR_WORDS) for _ in range(rng.randint(1, 2)))
        en = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(1, 2))).title()
        topics.append((f"topic-{i + 1:03d}", f"{ar} {i + 1}", f"{en} {i + 1}"))
    return topics


def make_staff(rng, count):
    staff = []
    for i in range(count):
        ar = " ".join(rng.choice(AR_WORDS) for _ in range(2))
        en = " ".join(rng.choice(EN_WORDS) for _ in range(2)).title()
        staff.append((f"writer-{i + 1:02d}", f"{ar} {i + 1}", f"{en} {i + 1}"))
    return staff


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def yaml_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def generate(articles, out, seed):
    rng = random.Random(seed)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    shutil.copytree(os.path.join(REPO, "themes"), os.path.join(out, "themes"))
    sections_yaml = "".join(
        f"  {s}: {{ ar: {a}, en: {e} }}\n" for s, (a, e) in SECTION_LABELS.items()
    )
    write(
        os.path.join(out, "digest.yaml"),
        "base_url: https://digest.example.org/\n"
        "default_language: ar\n"
        "timezone: Asia/Baghdad\n"
        "languages:\n"
        "  ar: { name: العربية, title: الموجز, locale: ar-IQ, digits: latn }\n"
        "  en: { name: English, title: The Digest, locale: en-GB }\n"
        "theme: default\npaginate: 20\nminify: true\nrelated: 5\nfeed_entries: 20\n"
        "sections:\n" + sections_yaml,
    )
    topics = make_topics(rng, 300)
    tags_yaml = "".join(
        f"{key}:\n  ar: {yaml_quote(ar)}\n  en: {yaml_quote(en)}\n" for key, ar, en in topics
    )
    write(os.path.join(out, "content", "tags.yaml"), tags_yaml)
    weights = zipf_weights(len(topics))
    # A newsroom's staff: a registry of writers in both editions, a few
    # of whom write most of the bylines.
    staff = make_staff(rng, 40)
    authors_yaml = "".join(
        f"{key}:\n  ar: {{ name: {yaml_quote(ar)} }}\n  en: {{ name: {yaml_quote(en)} }}\n"
        for key, ar, en in staff
    )
    write(os.path.join(out, "content", "authors.yaml"), authors_yaml)
    staff_weights = zipf_weights(len(staff))
    start = datetime.datetime(2019, 1, 1, 6, 0)
    span_minutes = 6 * 365 * 24 * 60
    slugs = []
    for i in range(articles):
        section = rng.choice(SECTIONS)
        slugs.append((section, f"story-{i + 1:06d}"))
    for i, (section, slug) in enumerate(slugs):
        minutes = int(span_minutes * i / max(articles, 1)) + rng.randint(0, 120)
        date = start + datetime.timedelta(minutes=minutes)
        chosen = set()
        wanted = rng.randint(3, 5)
        while len(chosen) < wanted:
            chosen.add(rng.choices(range(len(topics)), weights=weights)[0])
        chosen = sorted(chosen)
        target = rng.randint(400, 900)
        others = [slugs[rng.randrange(articles)] for _ in range(3)]
        # Six stories in ten carry a byline, one in ten of those two.
        bylined = []
        if rng.random() < 0.6:
            while len(bylined) < (2 if rng.random() < 0.1 else 1):
                writer = rng.choices(range(len(staff)), weights=staff_weights)[0]
                if writer not in bylined:
                    bylined.append(writer)
        for lang, words, arabic in (("ar", AR_WORDS, True), ("en", EN_WORDS, False)):
            title = sentence(rng, words, 6, 12)
            if not arabic:
                title = title[0].upper() + title[1:]
            summary = sentence(rng, words, 15, 30)
            # Articles name topics by key or by label, as editors do.
            tags = [
                topics[t][0] if rng.random() < 0.5 else topics[t][1 if arabic else 2]
                for t in chosen
            ]
            links = [(sentence(rng, words, 2, 5), f"/{lang}/{s}/{g}/") for s, g in others]
            links.append(("source", "https://example.com/report"))
            front = (
                "---\n"
                f"title: {yaml_quote(title)}\n"
                f"date: {date.strftime('%Y-%m-%dT%H:%M:00+03:00')}\n"
                f"summary: {yaml_quote(summary)}\n"
                "tags: [" + ", ".join(yaml_quote(t) for t in tags) + "]\n"
                + (
                    "authors: ["
                    + ", ".join(
                        # By key or by name, as editors write them.
                        yaml_quote(staff[w][0] if rng.random() < 0.5 else staff[w][1 if arabic else 2])
                        for w in bylined
                    )
                    + "]\n"
                    if bylined
                    else ""
                )
                + "---\n"
            )
            text = body(rng, words, arabic, target, links)
            write(os.path.join(out, "content", section, f"{slug}.{lang}.md"), front + text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, required=True, help="bilingual articles (files = 2 × this)")
    parser.add_argument("--out", required=True, help="the site folder to (re)create")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args()
    generate(args.articles, args.out, args.seed)


if __name__ == "__main__":
    main()

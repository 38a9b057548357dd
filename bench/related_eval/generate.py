"""The related-articles evaluation set: 240 short news articles on 10 topics, 12 German and 12
English per topic, none a translation of another (each is drawn on its own from the topic's
sentences in its language).

    .venv/bin/python bench/related_eval/generate.py > bench/related_eval/corpus.jsonl
    .venv/bin/python bench/related_eval/generate.py --markdown DIR   (files for `newsdesk import`)

An article: a headline and lead of its topic, then nine sentences in three paragraphs: two
sentences of its topic, one shared pattern filled with the topic's noun phrases and actors,
four sentences of generic news filler, one sentence borrowed from a neighbouring topic (energy
from climate, housing from the economy, ...) and one from a random other topic. Place names and numbers are shared by
all topics. So a lexical method finds the same-language articles of a topic by their words, but
across languages only place names and numbers connect the texts.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from topics import DAYS, FILLER, PATTERNS, PLACES, TOPICS  # noqa: E402

SEED = 20261126
PER_TOPIC_AND_LANGUAGE = 12
# Sentences of an article's own topic in its body (of nine).
TOPIC_SENTENCES = 2
LANGUAGES = ("de", "en")


def _fill(template: str, rng: random.Random, language: str, **slots) -> str:
    values = {
        "place": rng.choice(PLACES),
        "day": rng.choice(DAYS[language]),
        "n": str(rng.choice([3, 7, 12, 15, 24, 40, 85, 120, 300, 2500])),
        **slots,
    }
    text = template.format(**values)
    return text[0].upper() + text[1:]


def article(topic: str, language: str, rng: random.Random) -> dict:
    vocab = TOPICS[topic][language]
    neighbour = TOPICS[TOPICS[topic]["borrows"]][language]
    stray = TOPICS[rng.choice([t for t in TOPICS if t != topic])][language]
    sentences = [_fill(s, rng, language) for s in rng.sample(vocab["sentences"], TOPIC_SENTENCES)]
    for pattern in rng.sample(PATTERNS[language], 1):
        np_, actor = rng.choice(vocab["nps"]), rng.choice(vocab["actors"])
        sentences.append(_fill(pattern, rng, language, np=np_, actor=actor))
    sentences += [_fill(s, rng, language) for s in rng.sample(FILLER[language], 4)]
    for other in (neighbour, stray):
        sentences.append(_fill(rng.choice(other["sentences"]), rng, language))
    rng.shuffle(sentences)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return {
        "topic": topic,
        "language": language,
        "title": _fill(rng.choice(vocab["titles"]), rng, language),
        "lead": _fill(rng.choice(vocab["leads"]), rng, language),
        "body": "\n\n".join(paragraphs),
    }


def corpus(seed: int = SEED) -> list[dict]:
    """Every article of the set, with an `id` (its position) and its `topic`."""
    rng = random.Random(seed)
    articles = [
        article(topic, language, rng)
        for topic in TOPICS
        for language in LANGUAGES
        for _ in range(PER_TOPIC_AND_LANGUAGE)
    ]
    return [{"id": i, **a} for i, a in enumerate(articles)]


def write_markdown(articles: list[dict], directory: Path) -> dict[Path, dict]:
    """Each article as a Markdown file with front matter (DESIGN.md's import format), all in
    one section and without tags, so that nothing but their text relates them. The slug holds
    only the id, not the topic. Returns the file of each article."""
    directory.mkdir(parents=True, exist_ok=True)
    files = {}
    for a in articles:
        path = directory / f"eval-{a['id']:03d}.md"
        # JSON strings are YAML double-quoted scalars.
        front = {
            "title": a["title"],
            "author": "Eval Desk",
            "language": a["language"],
            "section": "Eval",
            "lead": a["lead"],
            "slug": f"eval-{a['id']:03d}",
        }
        lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in front.items()]
        path.write_text("---\n" + "\n".join(lines) + "\n---\n\n" + a["body"] + "\n")
        files[path] = a
    return files


if __name__ == "__main__":
    if sys.argv[1:2] == ["--markdown"]:
        for path in write_markdown(corpus(), Path(sys.argv[2])):
            print(path)
    else:
        for item in corpus():
            print(json.dumps(item, ensure_ascii=False))

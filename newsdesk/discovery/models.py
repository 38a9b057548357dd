"""The near-duplicate index: one MinHash signature per article and its LSH band hashes.

Written only by `discovery.near_duplicates`; see that module for the parameters.
"""

from django.db import models


class DuplicateSignature(models.Model):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="duplicate_signature"
    )
    # NUM_PERM MinHash values, little-endian uint32, NUM_PERM * 4 bytes.
    signature = models.BinaryField()
    # Distinct word shingles in the text: turns an estimated Jaccard into an estimated containment.
    shingle_count = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"signature of article {self.article_id}"


class DuplicateBand(models.Model):
    """One LSH band of a signature: texts sharing any (band, hash) row are candidates."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="+")
    band = models.PositiveSmallIntegerField()
    # The band's rows hashed to 64 bits, folded into the signed range of a BIGINT.
    hash = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "hash"], name="discovery_band_hash")]

    def __str__(self):
        return f"article {self.article_id} band {self.band}"


class ArticleVector(models.Model):
    """An article's stored embedding for related articles, computed in the background on publish.

    Written only by `discovery.related`. `model` names the backend and model that made the
    vector, so that vectors of another model are never compared with it.
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="related_vector"
    )
    model = models.CharField(max_length=60)
    # Dense models: `dim` float32 values, little-endian, L2-normalised. tfidf-v1 (sparse): `dim`
    # int32 bucket ids, then `dim` float32 weights.
    vector = models.BinaryField()
    dim = models.PositiveSmallIntegerField()
    # SHA-256 of the embedded text: unchanged text is not embedded again.
    text_hash = models.CharField(max_length=64)
    # The nearest articles found when the vector was stored, best first: [[article_id, score], ...].
    # Filtered through visible_articles() when shown, so takedowns apply at once.
    neighbours = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["model"])]

    def __str__(self):
        return f"{self.model} vector of article {self.article_id}"

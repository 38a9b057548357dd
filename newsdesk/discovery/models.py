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

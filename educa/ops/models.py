from django.db import models


class CacheGeneration(models.Model):
    """The version of the data behind one family of cache entries.

    Kept in the database, bumped in the transaction of each write, so it
    commits or rolls back with the write and no outage of the cache can lose
    it (educa/ops/generations.py).
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.value}"

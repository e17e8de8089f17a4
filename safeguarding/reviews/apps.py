from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "safeguarding.reviews"
    label = "reviews"
    verbose_name = "Case reviews"

    def ready(self) -> None:
        from safeguarding.core.attention import register
        from safeguarding.reviews.selectors import reviews_attention

        # The business unit's home page: review deadlines overdue or due within 5 working days.
        register(reviews_attention)

"""Who reads which reviewed record, by its state: partners and viewers only
what is published (validated plans, approved updates and reports, projects
from their approval on), staff of a regional office also the drafts of the
regions their office covers, headquarters everything (`accounts.access`).

Pages, lists, downloads and exports ask here; a record someone may not read
is answered "not found", as if it did not exist.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import access
from reviews.models import ReviewTrail


def _own_regions_q(model: type[ReviewTrail], user) -> Q:
    """The records of the regions `user`'s office covers, as a subquery (a
    join on the offices would repeat a record for each office of its region)."""
    region_model = model
    for name in model.REGION_PATH.split("__"):
        region_model = region_model._meta.get_field(name).related_model
    covered = region_model._default_manager.filter(offices=user.office_id).values("pk")
    return Q(**{f"{model.REGION_PATH}__in": covered})


def visible(queryset: QuerySet, user) -> QuerySet:
    """The records of `queryset` (of a reviewed model) that `user` may read."""
    if access.sees_every_draft(user):
        return queryset
    model = queryset.model
    allowed = model.published_q()
    if access.sees_drafts_of_own_regions(user):
        allowed |= _own_regions_q(model, user)
    return queryset.filter(allowed)


def may_see(user, item: ReviewTrail) -> bool:
    if item.is_published or access.sees_every_draft(user):
        return True
    if not access.sees_drafts_of_own_regions(user):
        return False
    return (
        type(item)
        ._default_manager.filter(pk=item.pk)
        .filter(_own_regions_q(type(item), user))
        .exists()
    )


def check_visible(user, item: ReviewTrail) -> ReviewTrail:
    """`item`, or "not found" when `user` may not read it."""
    if not may_see(user, item):
        raise Http404
    return item


def reads_published_only(user, region=None) -> bool:
    """Whether `user` reads only the published records (of `region`, when
    given; of every region otherwise): pages that count and list records of
    several kinds then keep to those."""
    if access.sees_every_draft(user):
        return False
    if not access.sees_drafts_of_own_regions(user):
        return True
    if region is None:
        return False  # staff of an office: the figures of the whole mission
    return not region.offices.filter(pk=user.office_id).exists()

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minusma_sr.settings")

from minusma_sr.startup import exit_on_configuration_error, exit_on_deploy_warnings

exit_on_configuration_error()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
exit_on_deploy_warnings()

# JupyterHub configuration of the class test (tests/hub), as the deployment guide sets up a school's hub
# (book/*/teachers-deployment.md): local Linux users, as The Littlest JupyterHub makes them, log in with their
# password (PAM); each pupil's server is its own process running as that user (LocalProcessSpawner, JupyterHub's
# default); JupyterLab opens; nbgitpuller is installed in the same environment; every server gets the shared,
# read-only model cache in WERKSTATT_CACHE. The test fills in the places and ports through HUB_TEST_* variables.
# Differences from a school's TLJH, and why: PAM instead of TLJH's first-use passwords (no extra package), no
# systemd memory limit per user (the test measures memory instead of capping it), 127.0.0.1 only.
import os

c = get_config()  # noqa: F821 (JupyterHub passes get_config to its configuration file)
test = os.environ

c.JupyterHub.bind_url = f"http://127.0.0.1:{test['HUB_TEST_PORT']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(test["HUB_TEST_HUB_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{test['HUB_TEST_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [test["HUB_TEST_PROXY"]]
# The hub's own files (database, cookie secret, proxy pid file) stay in the test's folder.
c.JupyterHub.db_url = f"sqlite:///{test['HUB_TEST_DIR']}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = f"{test['HUB_TEST_DIR']}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = f"{test['HUB_TEST_DIR']}/jupyterhub-proxy.pid"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every pupil's server and the proxy
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(test["HUB_TEST_PUPILS"].split(","))

c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [test["HUB_TEST_SINGLEUSER"]]  # the course's environment: werkstatt, JupyterLab, nbgitpuller
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {
    "WERKSTATT_CACHE": test["HUB_TEST_CACHE"],       # the shared model cache the teacher prefetched
    "WERKSTATT_PROFILE": test["HUB_TEST_PROFILE"],   # the test runs the quick profile; a class runs standard
    "OMP_NUM_THREADS": "1",                          # one thread per kernel, as in make test
    # The course lies in a local repository owned by root; git reads another user's repository only when it
    # is named in safe.directory. A school's hub pulls from https and needs nothing of this.
    "GIT_CONFIG_SYSTEM": test["HUB_TEST_GITCONFIG"],
}

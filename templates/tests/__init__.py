"""The project's tests.

They build their settings from explicit values only: whatever `CHATKIT_*`
variables the shell exports (a deployment container's, a developer's) must not
change their result. The variables go before any test module imports the app,
which reads them when it is imported.
"""

import os

for name in [name for name in os.environ if name.startswith("CHATKIT_")]:
    del os.environ[name]

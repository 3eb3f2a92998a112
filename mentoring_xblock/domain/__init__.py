"""The domain core: the rules that every service and view shares, each written once.

Below the services and the view selectors, above the models: who may read a pair (``access``), what a
role is (``people``), the pair lifecycle (``pairs``), the activity log (``activity``), the limits of what
people write (``limits``), what assessments mean and grade (``assessments``), how the engine sees the
program and explains itself (``matching``), notifications' texts (``notices``) and how queued work reads
(``jobs``). It imports no service, no selector, no block and not the platform edge (``.importlinter``).
"""

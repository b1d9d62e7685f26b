"""Every form class the project defines, in any module, and a way to build each one."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.test import RequestFactory

PROJECT_PACKAGES = ["pps", "cases", "consent", "disclosure", "retention"]
# Code that defines no forms and must not be imported just to look (it runs or seeds).
SKIPPED = (".migrations", ".management", ".benchmark", ".keystore")


def project_modules():
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if not any(part in info.name for part in SKIPPED):
                yield importlib.import_module(info.name)


def all_project_form_classes() -> list[type[forms.BaseForm]]:
    """Every Form class defined in any module of the project (views included)."""
    found = {
        cls
        for module in project_modules()
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
    }
    return sorted(found, key=lambda c: (c.__module__, c.__qualname__))


def _init_parameters(form_class) -> dict[str, inspect.Parameter]:
    """Named parameters of every __init__ up the MRO (a subclass may pass its own on)."""
    found = {}
    for cls in inspect.getmro(form_class):
        if "__init__" in vars(cls) and cls.__module__.split(".")[0] in PROJECT_PACKAGES:
            for name, param in list(inspect.signature(cls.__init__).parameters.items())[1:]:
                if param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                    found.setdefault(name, param)
    return found or {
        name: param
        for name, param in list(inspect.signature(form_class.__init__).parameters.items())[1:]
        if param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)
    }


def build_form(form_class, data, *, case, user):
    """Construct any project form from what its __init__ asks for."""
    args, kwargs = [], {"data": data}
    known = {
        "request": RequestFactory().post("/"),
        "user": user,
        "by": user,
        "case": case,
        "service": case.service,
        "parent": case.parents.first(),
        "parents": case.parents.all(),
        "choices_from": type(user).objects.filter(service=case.service),
    }
    for name, param in _init_parameters(form_class).items():
        value = known.get(name)
        if value is None:
            if param.default is param.empty:
                pytest.fail(f"{form_class.__name__}: teach build_form about {name!r}")
            continue
        if param.kind == param.POSITIONAL_OR_KEYWORD and name in {"request", "user"}:
            args.append(value)
        else:
            kwargs[name] = value
    return form_class(*args, **kwargs)

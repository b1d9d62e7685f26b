from django.apps import AppConfig


class KeystoreConfig(AppConfig):
    name = "pps.keystore"
    label = "keystore"
    verbose_name = "Key store"

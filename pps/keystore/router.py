"""Send key-store models to the ``keystore`` database and nothing else there."""

KEYSTORE_APP = "keystore"
KEYSTORE_DB = "keystore"


class KeystoreRouter:
    def db_for_read(self, model, **hints):
        return KEYSTORE_DB if model._meta.app_label == KEYSTORE_APP else None

    def db_for_write(self, model, **hints):
        return KEYSTORE_DB if model._meta.app_label == KEYSTORE_APP else None

    def allow_relation(self, obj1, obj2, **hints):
        in_keystore = {obj1._meta.app_label == KEYSTORE_APP, obj2._meta.app_label == KEYSTORE_APP}
        return False if len(in_keystore) == 2 else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == KEYSTORE_APP:
            return db == KEYSTORE_DB
        # Django's own bookkeeping (contenttypes, auth) stays out of the key store too.
        return db != KEYSTORE_DB

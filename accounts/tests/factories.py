import factory

from accounts.models import Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.MANAGEMENT
    password = factory.PostGenerationMethodCall("set_password", "test-pass-123")

    @factory.post_generation
    def _save(self, create, extracted, **kwargs):
        if create:
            self.save()

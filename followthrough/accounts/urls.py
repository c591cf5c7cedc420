from django.contrib.auth import views as auth_views
from django.urls import path

from followthrough.accounts import views
from followthrough.accounts.forms import EmailPasswordResetForm, LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=EmailPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "profile/password/",
        auth_views.PasswordChangeView.as_view(success_url="/profile/"),
        name="password_change",
    ),
    path("profile/", views.profile, name="profile"),
    path("workspaces/", views.workspaces, name="workspaces"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("w/<slug:slug>/people/", views.people, name="people"),
    path("w/<slug:slug>/settings/", views.workspace_settings, name="workspace_settings"),
    path("w/<slug:slug>/people/<int:member_id>/", views.member_detail, name="member_detail"),
    path("w/<slug:slug>/people/<int:member_id>/role/", views.member_role, name="member_role"),
    path(
        "w/<slug:slug>/people/<int:member_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "w/<slug:slug>/people/<int:member_id>/reactivate/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "w/<slug:slug>/people/<int:member_id>/relationships/",
        views.member_relationships,
        name="member_relationships",
    ),
    path("w/<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "w/<slug:slug>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "w/<slug:slug>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
]

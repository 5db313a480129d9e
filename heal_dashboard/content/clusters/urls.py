from django.urls import re_path

from heal_dashboard.content.clusters import views

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(r'^launch/$', views.SelectTemplateView.as_view(),
            name='select_template'),
    re_path(r'^launch/(?P<template_id>[^/]+)/$', views.LaunchView.as_view(),
            name='launch'),
    re_path(r'^(?P<cluster_id>[^/]+)/$', views.DetailView.as_view(),
            name='detail'),
    re_path(r'^(?P<cluster_id>[^/]+)/policy/$',
            views.EditHealPolicyView.as_view(), name='policy'),
    re_path(r'^(?P<cluster_id>[^/]+)/resize/$',
            views.ResizeClusterView.as_view(), name='resize'),
    re_path(r'^(?P<cluster_id>[^/]+)/refresh/$',
            views.RefreshClusterView.as_view(), name='refresh'),
    re_path(r'^(?P<cluster_id>[^/]+)/executions/(?P<execution_id>[^/]+)/$',
            views.ExecutionView.as_view(), name='execution'),
    re_path(r'^(?P<cluster_id>[^/]+)/units/(?P<unit>[^/]+)/$',
            views.UnitTimelineView.as_view(), name='unit'),
]

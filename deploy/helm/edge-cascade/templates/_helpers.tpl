{{/* Names and labels. */}}
{{- define "edge-cascade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "edge-cascade.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "edge-cascade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "edge-cascade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "edge-cascade.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "edge-cascade.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: agent
edge-cascade/profile: {{ .Values.profile }}
{{- end -}}

{{- define "edge-cascade.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "edge-cascade.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The hardware profile's settings. */}}
{{- define "edge-cascade.profile" -}}
{{- toYaml (index .Values.profiles .Values.profile) -}}
{{- end -}}

{{- define "edge-cascade.image" -}}
{{- $profile := index .Values.profiles .Values.profile -}}
{{- $tag := .Values.image.tag | default (printf "%s-%s" .Chart.AppVersion $profile.imageTagSuffix) -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}

{{/* The Secret whose keys become the agent's environment (camera credentials), or "" for none. */}}
{{- define "edge-cascade.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{- .Values.secret.existingSecret -}}
{{- else if .Values.secret.create -}}
{{- printf "%s-env" (include "edge-cascade.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
The agent's config.yaml: the user's config, then what the pod's layout fixes (listen addresses reachable by the
probes and the Service, paths on the data volume, no write-back into the read-only ConfigMap).
*/}}
{{- define "edge-cascade.agentConfig" -}}
{{- $v := deepCopy .Values.config -}}
{{- $extra := $v.extra | default dict -}}
{{- $c := omit $v "extra" "cloud" -}}
{{- if $v.cloud }}{{- $_ := set $c "cloud" $v.cloud -}}{{- end -}}
{{- $c = mergeOverwrite $c $extra -}}
{{- $metrics := dict "listen" (printf "0.0.0.0:%d" (int .Values.metrics.port)) -}}
{{- $ui := dict "listen" (ternary (printf "0.0.0.0:%d" (int .Values.ui.port)) "0" .Values.ui.enabled) "persist" false -}}
{{- if .Values.ui.token.secretName -}}
{{- $_ := set $metrics "token" "${EDGE_METRICS_TOKEN}" -}}
{{- $_ := set $ui "token" "${EDGE_UI_TOKEN}" -}}
{{- end -}}
{{- $_ := set $c "metrics" (mergeOverwrite (get $c "metrics" | default dict) $metrics) -}}
{{- $_ := set $c "ui" (mergeOverwrite (get $c "ui" | default dict) $ui) -}}
{{- $_ := set $c "events" (mergeOverwrite (get $c "events" | default dict) (dict "path" "/data/events.jsonl")) -}}
{{- $_ := set $c "record" (mergeOverwrite (get $c "record" | default dict) (dict "dir" "/data/recordings")) -}}
{{- if $v.cloud -}}
{{- $_ := set $c "spool" (mergeOverwrite (get $c "spool" | default dict) (dict "dir" "/data/spool")) -}}
{{- end -}}
{{- toYaml $c -}}
{{- end -}}

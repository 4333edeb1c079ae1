from django import forms

from ..models import YouSaidWeDid


class LoopItemForm(forms.ModelForm):
    class Meta:
        model = YouSaidWeDid
        fields = ["you_said", "you_said_es", "we_did", "we_did_es"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in fields}
